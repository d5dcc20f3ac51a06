#include "app/ca/CaCommand.h"

#include "app/ca/CaCommandRunner.h"
#include "app/ca/CaLocation.h"
#include "app/ca/TrustEnvironment.h"
#include "app/ca/TrustManager.h"
#include "certs/SystemClock.h"

#include <QCommandLineParser>

namespace spyglass::app {

using namespace Qt::StringLiterals;

namespace {

constexpr int kUsageError = 2;

const char* const kUsage =
    "usage: spyglass-cli ca COMMAND [OPTIONS]\n"
    "\n"
    "Commands:\n"
    "  show                         paths, subject, fingerprint, expiry, where installed\n"
    "  export --out FILE [--format pem|der|p12]\n"
    "                               the CA certificate (never the key); format from the\n"
    "                               file name when not given (.pem/.crt, .cer/.der, .p12)\n"
    "  install [--system] [--nss]   trust the CA (default: every store you may change)\n"
    "  uninstall [--system] [--nss] remove this and any older Spyglass CA from the stores\n"
    "  regenerate [--key-type T]    new CA; the old one is removed from every store first\n"
    "  mint HOST --out FILE [--key-out FILE]\n"
    "                               write the leaf (+ CA) Spyglass would serve for HOST\n"
    "\n"
    "Options:\n"
    "  --ca-dir DIR          CA directory (default $SPYGLASS_CA_DIR, else\n"
    "                        ~/.local/share/Spyglass/ca)\n"
    "  --key-type T          ecdsa (default) or rsa (RSA-3072), for a new CA\n"
    "  --fix-permissions     chmod the CA directory 700 and the key 600 first\n";

} // namespace

int runCaCommand(const QStringList& args, QTextStream& out, QTextStream& err) {
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption caDir(u"ca-dir"_s, u"CA directory"_s, u"DIR"_s);
    const QCommandLineOption format(u"format"_s, u"pem, der or p12"_s, u"FORMAT"_s);
    const QCommandLineOption outFile(u"out"_s, u"output file"_s, u"FILE"_s);
    const QCommandLineOption keyOut(u"key-out"_s, u"leaf key output file"_s, u"FILE"_s);
    const QCommandLineOption keyType(u"key-type"_s, u"ecdsa or rsa"_s, u"TYPE"_s);
    const QCommandLineOption system(u"system"_s, u"the system trust store"_s);
    const QCommandLineOption nss(u"nss"_s, u"NSS databases (Chromium, Firefox)"_s);
    const QCommandLineOption fix(u"fix-permissions"_s, u"repair modes"_s);
    const QCommandLineOption help({u"h"_s, u"help"_s}, u"help"_s);
    parser.addOptions({caDir, format, outFile, keyOut, keyType, system, nss, fix, help});

    if (!parser.parse(QStringList{u"spyglass-cli ca"_s} + args)) {
        err << "error: " << parser.errorText() << "\n\n" << kUsage;
        err.flush();
        return kUsageError;
    }
    const QStringList words = parser.positionalArguments();
    if (parser.isSet(help) || words.isEmpty()) {
        (words.isEmpty() && !parser.isSet(help) ? err : out) << kUsage;
        out.flush();
        err.flush();
        return parser.isSet(help) ? 0 : kUsageError;
    }

    CaCommandRunner::Options options;
    options.caDir = CaLocation::resolve(parser.value(caDir));
    options.fixPermissions = parser.isSet(fix);
    if (parser.isSet(keyType)) {
        const auto alg = certs::parseKeyAlgorithm(parser.value(keyType));
        if (!alg) {
            err << "error: unknown --key-type \"" << parser.value(keyType)
                << "\"; use ecdsa or rsa\n";
            err.flush();
            return kUsageError;
        }
        options.keyAlgorithm = *alg;
    }
    if (parser.isSet(system))
        options.stores |= TrustManager::System;
    if (parser.isSet(nss))
        options.stores |= TrustManager::Nss;

    const QString command = words.first();
    const qsizetype expected = command == u"mint"_s ? 2 : 1;
    if (words.size() != expected) {
        err << "error: unexpected arguments: " << words.mid(1).join(u' ') << "\n\n" << kUsage;
        err.flush();
        return kUsageError;
    }

    static const certs::SystemClock clock;
    CaCommandRunner runner(options, TrustEnvironment::fromProcessEnvironment(), clock, out, err);
    int code = kUsageError;
    if (command == u"show"_s)
        code = runner.show();
    else if (command == u"export"_s)
        code = runner.exportCertificate(parser.value(format), parser.value(outFile));
    else if (command == u"install"_s)
        code = runner.install();
    else if (command == u"uninstall"_s)
        code = runner.uninstall();
    else if (command == u"regenerate"_s)
        code = runner.regenerate();
    else if (command == u"mint"_s)
        code = runner.mint(words.at(1), parser.value(outFile), parser.value(keyOut));
    else
        err << "error: unknown command \"" << command << "\"\n\n" << kUsage;
    out.flush();
    err.flush();
    return code;
}

} // namespace spyglass::app
