#include "certs/LeafMinter.h"

#include "certs/CertificateBuilder.h"
#include "certs/CertificatePublicKey.h"
#include "certs/KeyFactory.h"
#include "certs/OpenSslError.h"
#include "certs/X509Codec.h"

namespace spyglass::certs {

using namespace Qt::StringLiterals;

namespace {

// RFC 5280 Appendix A: ub-common-name INTEGER ::= 64. Longer names live in
// the SAN only; clients have matched on the SAN alone for years (RFC 6125
// §6.4.4, and Chrome 58+ ignores the CN entirely).
constexpr qsizetype kMaxCommonName = 64;

} // namespace

struct LeafMinter::Constants {
    X509NamePtr issuer;
    X509ExtensionPtr basicConstraints;
    X509ExtensionPtr keyUsage;
    X509ExtensionPtr extKeyUsage;
    X509ExtensionPtr subjectKeyId;
    X509ExtensionPtr authorityKeyId;
    // What X509_set_pubkey gets (CertificatePublicKey); null: the leaf key.
    EvpPkeyPtr certificateKey;
};

LeafMinter::LeafMinter(X509Ptr caCert, EvpPkeyPtr caKey, EvpPkeyPtr leafKey,
                       std::unique_ptr<Constants> constants, Clock::TimePoint caNotAfter)
    : m_caCert(std::move(caCert))
    , m_caKey(std::move(caKey))
    , m_leafKey(std::move(leafKey))
    , m_constants(std::move(constants))
    , m_caNotAfter(caNotAfter) {}

LeafMinter::~LeafMinter() = default;

Result<std::shared_ptr<const LeafMinter>> LeafMinter::create(const CertificateAuthority& ca,
                                                             KeyAlgorithm leafKeyAlgorithm) {
    X509Ptr caCert = sharedRef(ca.certificate());
    EvpPkeyPtr caKey = sharedRef(ca.privateKey());
    if (!caCert || !caKey)
        return openSslFailure(u"Referencing the CA failed"_s);
    auto leafKey = KeyFactory::generate(leafKeyAlgorithm);
    if (!leafKey)
        return leafKey.error();

    auto c = std::make_unique<Constants>();
    c->certificateKey = CertificatePublicKey::forCertificates(leafKey.value().get());
    c->issuer.reset(X509_NAME_dup(X509_get_subject_name(caCert.get())));
    if (!c->issuer)
        return openSslFailure(u"Copying the CA subject failed"_s);

    // BR §7.1.2.7.8: cA MUST be FALSE; critical as in the BR 2.0 subscriber
    // profile (§7.1.2.7.6), and RFC 5280 §4.2.1.9 lets end entities carry it.
    BasicConstraintsPtr bc(BASIC_CONSTRAINTS_new());
    if (!bc)
        return openSslFailure(u"Building basicConstraints failed"_s);
    bc->ca = 0;
    // BR §7.1.2.7.11: digitalSignature for ECDSA keys; RSA keys may add
    // keyEncipherment for TLS 1.2 RSA key transport. Critical (RFC 5280
    // §4.2.1.3 "SHOULD mark this extension critical").
    Asn1BitStringPtr usage(ASN1_BIT_STRING_new());
    const bool rsa = EVP_PKEY_is_a(leafKey->get(), "RSA") == 1;
    if (!usage || ASN1_BIT_STRING_set_bit(usage.get(), 0, 1) != 1 || // digitalSignature
        (rsa && ASN1_BIT_STRING_set_bit(usage.get(), 2, 1) != 1))    // keyEncipherment
        return openSslFailure(u"Building keyUsage failed"_s);
    // BR §7.1.2.7.10: extKeyUsage MUST contain id-kp-serverAuth; Apple
    // requires it too (support.apple.com/HT210176). Not critical (BR).
    ExtKeyUsagePtr eku(sk_ASN1_OBJECT_new_null());
    if (!eku || sk_ASN1_OBJECT_push(eku.get(), OBJ_nid2obj(NID_server_auth)) <= 0)
        return openSslFailure(u"Building extKeyUsage failed"_s);
    // RFC 5280 §4.2.1.2: end-entity SKI SHOULD be included; from the leaf key.
    auto ski = CertificateBuilder::keyIdentifier(leafKey->get());
    if (!ski)
        return ski.error();
    // RFC 5280 §4.2.1.1: AKI MUST be present and its keyIdentifier is the
    // issuer's SKI, which path builders use to find the root.
    Asn1OctetStringPtr caKeyId;
    if (const ASN1_OCTET_STRING* caSki = X509_get0_subject_key_id(caCert.get()))
        caKeyId.reset(ASN1_OCTET_STRING_dup(caSki));
    else if (auto computed = CertificateBuilder::keyIdentifier(caKey.get()))
        caKeyId = std::move(computed).value();
    AuthorityKeyIdPtr aki(AUTHORITY_KEYID_new());
    if (!caKeyId || !aki)
        return openSslFailure(u"Building authorityKeyIdentifier failed"_s);
    aki->keyid = caKeyId.release();

    struct Ext {
        X509ExtensionPtr* slot;
        int nid;
        bool critical;
        void* value;
    };
    for (const Ext& e : {Ext{&c->basicConstraints, NID_basic_constraints, true, bc.get()},
                         Ext{&c->keyUsage, NID_key_usage, true, usage.get()},
                         Ext{&c->extKeyUsage, NID_ext_key_usage, false, eku.get()},
                         Ext{&c->subjectKeyId, NID_subject_key_identifier, false, ski->get()},
                         Ext{&c->authorityKeyId, NID_authority_key_identifier, false, aki.get()}}) {
        auto ext = CertificateBuilder::makeExtension(e.nid, e.critical, e.value);
        if (!ext)
            return ext.error();
        *e.slot = std::move(ext).value();
    }

    const QDateTime caEnd = X509Codec::toDateTime(X509_get0_notAfter(caCert.get()));
    if (!caEnd.isValid())
        return Error{u"The CA certificate has an unreadable notAfter date"_s};
    return std::shared_ptr<const LeafMinter>(new LeafMinter(
        std::move(caCert), std::move(caKey), std::move(leafKey).value(), std::move(c),
        Clock::TimePoint(std::chrono::seconds(caEnd.toSecsSinceEpoch()))));
}

Result<std::shared_ptr<const Leaf>> LeafMinter::mint(const QString& host,
                                                     Clock::TimePoint now) const {
    auto name = HostName::parse(host);
    if (!name)
        return name.error();
    return mint(name.value(), now);
}

Result<std::shared_ptr<const Leaf>> LeafMinter::mint(const HostName& name,
                                                     Clock::TimePoint now) const {
    clearOpenSslErrors();
    const auto nowS = std::chrono::time_point_cast<std::chrono::seconds>(now);
    if (nowS >= m_caNotAfter)
        return Error{u"The Spyglass CA has expired; run `spyglass-cli ca regenerate` and "
                     u"install the new CA"_s};
    const Clock::TimePoint notBefore = nowS - kBackdate;
    // Never outlive the root: a chain is only as valid as its shortest link.
    const Clock::TimePoint notAfter =
        std::min<Clock::TimePoint>(notBefore + kValidity - std::chrono::seconds(1), m_caNotAfter);

    auto builder = CertificateBuilder::start();
    if (!builder)
        return builder.error();
    CertificateBuilder& b = builder.value();

    const bool withCn = name.text().size() <= kMaxCommonName;
    auto subject = withCn ? CertificateBuilder::makeName({{NID_commonName, name.text()},
                                                          {NID_organizationName, u"Spyglass"_s}})
                          : CertificateBuilder::makeName({{NID_organizationName, u"Spyglass"_s}});
    if (!subject)
        return subject.error();

    // RFC 5280 §4.2.1.6 / BR §7.1.2.7.12: the SAN is where clients look; a
    // dNSName in IA5 A-label form or an iPAddress of 4 or 16 octets.
    GeneralNamesPtr san(GENERAL_NAMES_new());
    GENERAL_NAME* gn = GENERAL_NAME_new();
    if (!san || gn == nullptr || sk_GENERAL_NAME_push(san.get(), gn) <= 0) {
        GENERAL_NAME_free(gn);
        return openSslFailure(u"Building subjectAltName failed"_s);
    }
    const QByteArray value = name.isIp() ? name.addressBytes() : name.text().toLatin1();
    ASN1_STRING* str = name.isIp() ? ASN1_OCTET_STRING_new() : ASN1_IA5STRING_new();
    if (str == nullptr ||
        ASN1_STRING_set(str, value.constData(), static_cast<int>(value.size())) != 1) {
        ASN1_STRING_free(str);
        return openSslFailure(u"Building subjectAltName failed"_s);
    }
    GENERAL_NAME_set0_value(gn, name.isIp() ? GEN_IPADD : GEN_DNS, str);

    const Constants& c = *m_constants;
    Status s = b.setRandomSerial();
    const auto step = [&s](auto&& next) {
        if (s.ok())
            s = next();
    };
    step([&] { return b.setValidity(notBefore, notAfter); });
    step([&] { return b.setSubject(subject->get()); });
    step([&] { return b.setIssuer(c.issuer.get()); });
    step([&] {
        return b.setPublicKey(c.certificateKey ? c.certificateKey.get() : m_leafKey.get());
    });
    step([&] { return b.addExtension(c.basicConstraints.get()); });
    step([&] { return b.addExtension(c.keyUsage.get()); });
    step([&] { return b.addExtension(c.extKeyUsage.get()); });
    step([&] { return b.addExtension(NID_subject_alt_name, false, san.get()); });
    step([&] { return b.addExtension(c.subjectKeyId.get()); });
    step([&] { return b.addExtension(c.authorityKeyId.get()); });
    if (!s)
        return Error{u"Minting a certificate for "_s + name.text() + u": "_s + s.errorMessage()};
    auto cert = b.sign(m_caKey.get(), u"the certificate for "_s + name.text());
    if (!cert)
        return cert.error();
    X509Ptr issuer = sharedRef(m_caCert.get());
    EvpPkeyPtr key = sharedRef(m_leafKey.get());
    if (!issuer || !key)
        return openSslFailure(u"Referencing the CA or leaf key failed"_s);
    return std::make_shared<const Leaf>(name, std::move(cert).value(), std::move(key),
                                        std::move(issuer), notBefore, notAfter);
}

} // namespace spyglass::certs
