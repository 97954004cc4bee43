package sigstoretest

// The timestamp authority: RFC 3161 timestamps over signatures.

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"

	"github.com/digitorus/timestamp"
)

// newTSA makes a timestamp root and a leaf with the critical
// timestamping-only extended key usage RFC 3161 requires.
func (a *Authority) newTSA() error {
	rootKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	rootTmpl := &x509.Certificate{
		SerialNumber:          a.serial(),
		Subject:               pkix.Name{CommonName: "releasegate-test-tsa-root", Organization: []string{"releasegate.test"}},
		NotBefore:             a.validFrom,
		NotAfter:              a.validTo,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	if a.tsaRoot, err = createCert(rootTmpl, rootTmpl, rootKey.Public(), rootKey); err != nil {
		return err
	}
	if a.tsaLeafKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return err
	}
	eku, err := asn1.Marshal([]asn1.ObjectIdentifier{oidTimestampingEKU})
	if err != nil {
		return err
	}
	leafTmpl := &x509.Certificate{
		SerialNumber:    a.serial(),
		Subject:         pkix.Name{CommonName: "releasegate-test-tsa", Organization: []string{"releasegate.test"}},
		NotBefore:       a.validFrom,
		NotAfter:        a.validTo,
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtraExtensions: []pkix.Extension{{Id: oidExtKeyUsageOID, Critical: true, Value: eku}},
	}
	a.tsaLeaf, err = createCert(leafTmpl, a.tsaRoot, a.tsaLeafKey.Public(), rootKey)
	return err
}

// timestamp returns an RFC 3161 response over sig, signed by the TSA leaf.
func (a *Authority) timestamp(sig []byte) ([]byte, error) {
	h := sha256.Sum256(sig)
	ts := timestamp.Timestamp{
		HashAlgorithm: crypto.SHA256,
		HashedMessage: h[:],
		Time:          a.now(),
		Policy:        asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 2},
		SerialNumber:  a.serial(),
	}
	resp, err := ts.CreateResponseWithOpts(a.tsaLeaf, a.tsaLeafKey, crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("timestamp response: %w", err)
	}
	return resp, nil
}

// RFC 6962 Merkle tree hashing, small enough to keep in full here.
