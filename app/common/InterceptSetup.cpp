#include "InterceptSetup.h"

#include "app/ca/CaLocation.h"
#include "certs/CaStore.h"
#include "certs/LeafCache.h"
#include "certs/LeafMinter.h"
#include "certs/SystemClock.h"

namespace spyglass::app {

std::optional<InterceptSetup> InterceptSetup::prepare(const QString& caDirOption, QString* error) {
    InterceptSetup setup;
    setup.caDirectory = CaLocation::resolve(caDirOption);
    auto clock = std::make_shared<certs::SystemClock>();
    certs::CaStore store(setup.caDirectory);
    auto loaded = store.loadOrCreate(*clock, certs::CertificateAuthority::Options{});
    if (!loaded) {
        *error = loaded.errorMessage();
        return std::nullopt;
    }
    setup.caCreated = loaded.value().created;
    setup.warnings = loaded.value().warnings;
    auto minter = certs::LeafMinter::create(loaded.value().ca);
    if (!minter) {
        *error = QStringLiteral("cannot create the leaf key: ") + minter.errorMessage();
        return std::nullopt;
    }
    setup.leaves = std::make_shared<certs::LeafCache>(minter.value(), clock);
    return setup;
}

} // namespace spyglass::app
