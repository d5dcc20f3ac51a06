#include "InterceptSetup.h"

#include "app/ca/CaLocation.h"
#include "certs/CaStore.h"
#include "certs/LeafCache.h"
#include "certs/LeafMinter.h"
#include "certs/SystemClock.h"

namespace spyglass::app {

namespace {

std::shared_ptr<certs::LeafCache> leafCacheFor(const certs::CertificateAuthority& ca,
                                               std::shared_ptr<const certs::Clock> clock,
                                               QString* error) {
    auto minter = certs::LeafMinter::create(ca);
    if (!minter) {
        *error = QStringLiteral("cannot create the leaf key: ") + minter.errorMessage();
        return nullptr;
    }
    return std::make_shared<certs::LeafCache>(minter.value(), std::move(clock));
}

} // namespace

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
    setup.leaves = leafCacheFor(loaded.value().ca, clock, error);
    if (!setup.leaves)
        return std::nullopt;
    return setup;
}

std::optional<InterceptSetup> InterceptSetup::prepareDeferred(const QString& caDirOption,
                                                              QString* error) {
    InterceptSetup setup;
    setup.caDirectory = CaLocation::resolve(caDirOption);
    auto clock = std::make_shared<certs::SystemClock>();
    certs::CaStore store(setup.caDirectory);
    if (store.state() == certs::CaStore::State::Missing) {
        // Creating is reported at start (the user must install the new CA),
        // so it happens now; the CA stays in memory for the first use.
        auto created = store.createNew(*clock, certs::CertificateAuthority::Options{});
        if (!created) {
            *error = created.errorMessage();
            return std::nullopt;
        }
        setup.caCreated = true;
        auto ca = std::make_shared<certs::CertificateAuthority>(std::move(created.value().ca));
        setup.leafSource = [ca, clock](QString* failure) {
            return leafCacheFor(*ca, clock, failure);
        };
        return setup;
    }
    // What load() would refuse on, and the expiry warning, without decoding
    // anything with OpenSSL (its first use alone touches ~2.3 MiB).
    auto checked = store.check(*clock);
    if (!checked) {
        *error = checked.errorMessage();
        return std::nullopt;
    }
    setup.warnings = checked.value();
    setup.leafSource = [directory = setup.caDirectory, clock](QString* failure) {
        auto loaded = certs::CaStore(directory).load(*clock);
        if (!loaded) {
            *failure = loaded.errorMessage();
            return std::shared_ptr<certs::LeafCache>();
        }
        return leafCacheFor(loaded.value().ca, clock, failure);
    };
    return setup;
}

} // namespace spyglass::app
