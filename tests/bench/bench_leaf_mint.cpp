// Leaf-minting cost (issue 3): median and p90 microseconds to mint a leaf
// for a host the cache has not seen, and nanoseconds for a cache hit.
//
//   bench_leaf_mint [--hosts N] [--hits N] [--ca ecdsa|rsa-3072] [--leaf ecdsa|rsa-2048]
//   bench_leaf_mint --smoke   (tiny run that checks correctness, never time)
//
// Architecture guide §7: benchmarks print numbers; no test asserts a time.

#include "certs/CertificateAuthority.h"
#include "certs/KeyAlgorithm.h"
#include "certs/LeafCache.h"
#include "certs/LeafMinter.h"
#include "certs/SystemClock.h"

#include <QCoreApplication>
#include <QStringList>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

using namespace Qt::StringLiterals;
using namespace spyglass::certs;
using Steady = std::chrono::steady_clock;

namespace {

double percentile(std::vector<double> v, double p) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto idx = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(idx, v.size() - 1)];
}

int fail(const QString& what) {
    std::fprintf(stderr, "bench_leaf_mint: %s\n", qPrintable(what));
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const bool smoke = args.contains(u"--smoke"_s);
    int hosts = smoke ? 20 : 5000;
    int hits = smoke ? 100 : 200000;
    KeyAlgorithm caAlg = KeyAlgorithm::EcdsaP256;
    KeyAlgorithm leafAlg = KeyAlgorithm::EcdsaP256;
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == u"--hosts"_s)
            hosts = std::max(1, args[i + 1].toInt());
        else if (args[i] == u"--hits"_s)
            hits = std::max(1, args[i + 1].toInt());
        else if (args[i] == u"--ca"_s && parseKeyAlgorithm(args[i + 1]))
            caAlg = *parseKeyAlgorithm(args[i + 1]);
        else if (args[i] == u"--leaf"_s && parseKeyAlgorithm(args[i + 1]))
            leafAlg = *parseKeyAlgorithm(args[i + 1]);
    }

    auto clock = std::make_shared<SystemClock>();
    CertificateAuthority::Options options;
    options.algorithm = caAlg;
    auto ca = CertificateAuthority::create(options, *clock);
    if (!ca)
        return fail(ca.errorMessage());
    const auto setupStart = Steady::now();
    auto minter = LeafMinter::create(ca.value(), leafAlg);
    if (!minter)
        return fail(minter.errorMessage());
    const double setupUs =
        std::chrono::duration<double, std::micro>(Steady::now() - setupStart).count();

    // New hosts through the cache (parse + normalise + mint + insert), the
    // path the proxy takes on the first connection to a host. The capacity
    // exceeds the host count so nothing is evicted mid-run.
    LeafCache cache(minter.value(), clock, static_cast<std::size_t>(hosts) + 1);
    std::vector<double> newHostUs;
    newHostUs.reserve(static_cast<std::size_t>(hosts));
    for (int i = 0; i < hosts; ++i) {
        const QString host = u"host-%1.bench.example"_s.arg(i);
        const auto t0 = Steady::now();
        auto leaf = cache.get(host);
        const auto t1 = Steady::now();
        if (!leaf)
            return fail(leaf.errorMessage());
        if (smoke &&
            X509_verify(leaf.value()->certificate(), X509_get0_pubkey(ca->certificate())) != 1)
            return fail(u"a minted leaf does not verify against the CA"_s);
        newHostUs.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    }

    // Cache hits on a warm cache, round-robin over 64 hosts.
    const int warm = std::min(hosts, 64);
    std::vector<QString> warmNames;
    for (int i = 0; i < warm; ++i)
        warmNames.push_back(u"host-%1.bench.example"_s.arg(i));
    const auto h0 = Steady::now();
    const Leaf* last = nullptr;
    for (int i = 0; i < hits; ++i) {
        auto leaf = cache.get(warmNames[static_cast<std::size_t>(i % warm)]);
        if (!leaf)
            return fail(leaf.errorMessage());
        last = leaf.value().get();
    }
    const double hitNs =
        std::chrono::duration<double, std::nano>(Steady::now() - h0).count() / hits;
    // The same hits through names that need normalising first (IDNA, case).
    std::vector<QString> mixedNames;
    for (int i = 0; i < warm; ++i)
        mixedNames.push_back(u"HOST-%1.Bench.Example."_s.arg(i));
    const auto m0 = Steady::now();
    for (int i = 0; i < hits; ++i) {
        auto leaf = cache.get(mixedNames[static_cast<std::size_t>(i % warm)]);
        if (!leaf || leaf.value().get() == nullptr)
            return fail(u"mixed-case lookup failed"_s);
    }
    const double mixedNs =
        std::chrono::duration<double, std::nano>(Steady::now() - m0).count() / hits;
    if (cache.stats().mints != static_cast<std::size_t>(hosts) || last == nullptr)
        return fail(u"cache hits minted again"_s);

    std::printf("leaf minting benchmark (CA %s, leaf key %s)\n",
                qPrintable(keyAlgorithmName(caAlg)), qPrintable(keyAlgorithmName(leafAlg)));
    std::printf("  one-time leaf key + profile setup: %.0f us\n", setupUs);
    std::printf("  new host (%d hosts): median %.1f us, p90 %.1f us, p99 %.1f us\n", hosts,
                percentile(newHostUs, 0.5), percentile(newHostUs, 0.9),
                percentile(newHostUs, 0.99));
    std::printf("  cache hit (%d lookups over %d hosts): %.0f ns normalised name, %.0f ns "
                "name needing normalisation\n",
                hits, warm, hitNs, mixedNs);
    if (smoke)
        std::printf("smoke: OK (correctness only; timings above are not asserted)\n");
    return 0;
}
