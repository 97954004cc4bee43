package sigstoretest

// The certificate authority: a Fulcio-like CA whose leaf certificates carry
// the GitHub Actions OIDC claims as Fulcio extensions.

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"net/url"
	"time"
)

func (a *Authority) serial() *big.Int {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.serialNumber++
	return big.NewInt(a.serialNumber)
}

// newCA makes a self-signed root and an intermediate below it.
func (a *Authority) newCA(name string, eku x509.ExtKeyUsage) (*x509.Certificate, *x509.Certificate, *ecdsa.PrivateKey, error) {
	rootKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	rootTmpl := &x509.Certificate{
		SerialNumber:          a.serial(),
		Subject:               pkix.Name{CommonName: name + "-root", Organization: []string{"releasegate.test"}},
		NotBefore:             a.validFrom,
		NotAfter:              a.validTo,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	rootCert, err := createCert(rootTmpl, rootTmpl, rootKey.Public(), rootKey)
	if err != nil {
		return nil, nil, nil, err
	}
	interKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	interTmpl := &x509.Certificate{
		SerialNumber:          a.serial(),
		Subject:               pkix.Name{CommonName: name + "-intermediate", Organization: []string{"releasegate.test"}},
		NotBefore:             a.validFrom,
		NotAfter:              a.validTo,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{eku},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	interCert, err := createCert(interTmpl, rootCert, interKey.Public(), rootKey)
	if err != nil {
		return nil, nil, nil, err
	}
	return rootCert, interCert, interKey, nil
}

func createCert(tmpl, parent *x509.Certificate, pub crypto.PublicKey, priv crypto.Signer) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, priv)
	if err != nil {
		return nil, fmt.Errorf("create certificate %q: %w", tmpl.Subject.CommonName, err)
	}
	return x509.ParseCertificate(der)
}

// leafCert issues a ten-minute certificate for key, shaped like the ones
// Fulcio issues to GitHub Actions: a URI SAN and the issuer, source
// repository, source ref and build signer extensions.
func (a *Authority) leafCert(id Identity, key *ecdsa.PrivateKey) (*x509.Certificate, error) {
	san, err := url.Parse(id.SAN)
	if err != nil {
		return nil, fmt.Errorf("identity SAN %q: %w", id.SAN, err)
	}
	var exts []pkix.Extension
	exts = append(exts, pkix.Extension{Id: oidIssuerV1, Value: []byte(id.Issuer)})
	for _, e := range []struct {
		oid asn1.ObjectIdentifier
		val string
	}{
		{oidIssuerV2, id.Issuer},
		{oidBuildSignerURI, id.BuildSignerURI},
		{oidSourceRepoURI, id.SourceRepository},
		{oidSourceRepoRef, id.SourceRef},
		{oidRunnerEnv, "github-hosted"},
	} {
		if e.val == "" {
			continue
		}
		der, err := asn1.MarshalWithParams(e.val, "utf8")
		if err != nil {
			return nil, err
		}
		exts = append(exts, pkix.Extension{Id: e.oid, Value: der})
	}
	now := a.now()
	tmpl := &x509.Certificate{
		SerialNumber:    a.serial(),
		NotBefore:       now.Add(-time.Minute),
		NotAfter:        now.Add(10 * time.Minute),
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtKeyUsage:     []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		URIs:            []*url.URL{san},
		ExtraExtensions: exts,
	}
	return createCert(tmpl, a.caInter, key.Public(), a.caInterKey)
}
