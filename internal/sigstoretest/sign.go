package sigstoretest

// Signing: in-toto statements wrapped in DSSE, with a short-lived
// certificate (Attest) or a long-lived key (SignWithKey).

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

// Statement returns an in-toto v1 statement with the given predicate type
// and subjects, and a small predicate naming the builder.
func Statement(predicateType string, subjects ...Subject) []byte {
	type subj struct {
		Name   string            `json:"name"`
		Digest map[string]string `json:"digest"`
	}
	st := struct {
		Type          string         `json:"_type"`
		Subject       []subj         `json:"subject"`
		PredicateType string         `json:"predicateType"`
		Predicate     map[string]any `json:"predicate"`
	}{Type: StatementType, PredicateType: predicateType,
		Predicate: map[string]any{"buildDefinition": map[string]any{"buildType": "https://releasegate.test/build/v1"}}}
	for _, s := range subjects {
		alg, hexDigest, _ := cut(s.Digest)
		st.Subject = append(st.Subject, subj{Name: s.Name, Digest: map[string]string{alg: hexDigest}})
	}
	b, err := json.Marshal(st)
	if err != nil {
		panic(err) // only strings and maps: cannot fail
	}
	return b
}

func cut(digest string) (string, string, bool) {
	for i := range len(digest) {
		if digest[i] == ':' {
			return digest[:i], digest[i+1:], true
		}
	}
	return "sha256", digest, false
}

// Attest signs statement as id with a fresh short-lived certificate, logs
// it and timestamps it, and returns the v0.3 bundle as JSON.
func (a *Authority) Attest(id Identity, statement []byte) ([]byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	leaf, err := a.leafCert(id, key)
	if err != nil {
		return nil, err
	}
	sig, err := signDSSE(key, InTotoPayloadType, statement)
	if err != nil {
		return nil, err
	}
	var entries []*protorekor.TransparencyLogEntry
	if !a.noLog {
		certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.Raw})
		entry, err := a.logDSSE(statement, sig, certPEM)
		if err != nil {
			return nil, err
		}
		entries = append(entries, entry)
	}
	ts, err := a.timestamp(sig)
	if err != nil {
		return nil, err
	}
	b := &protobundle.Bundle{
		MediaType: BundleMediaType,
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content:                   &protobundle.VerificationMaterial_Certificate{Certificate: &protocommon.X509Certificate{RawBytes: leaf.Raw}},
			TlogEntries:               entries,
			TimestampVerificationData: &protobundle.TimestampVerificationData{Rfc3161Timestamps: []*protocommon.RFC3161SignedTimestamp{{SignedTimestamp: ts}}},
		},
		Content: &protobundle.Bundle_DsseEnvelope{DsseEnvelope: &protodsse.Envelope{
			Payload:     statement,
			PayloadType: InTotoPayloadType,
			Signatures:  []*protodsse.Signature{{Sig: sig}},
		}},
	}
	return protojson.Marshal(b)
}

// pae is DSSE's pre-authentication encoding.
func pae(payloadType string, payload []byte) []byte {
	return fmt.Appendf(nil, "DSSEv1 %d %s %d %s", len(payloadType), payloadType, len(payload), payload)
}

func signDSSE(key *ecdsa.PrivateKey, payloadType string, payload []byte) ([]byte, error) {
	h := sha256.Sum256(pae(payloadType, payload))
	return ecdsa.SignASN1(rand.Reader, key, h[:])
}

// SignWithKey signs statement with a long-lived key, as `cosign attest
// --key` does, and returns a v0.3 bundle carrying only a key hint: no
// certificate, no log entry, no timestamp.
func SignWithKey(key *ecdsa.PrivateKey, statement []byte) ([]byte, error) {
	sig, err := signDSSE(key, InTotoPayloadType, statement)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return nil, err
	}
	hint := sha256.Sum256(der)
	b := &protobundle.Bundle{
		MediaType: BundleMediaType,
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content: &protobundle.VerificationMaterial_PublicKey{PublicKey: &protocommon.PublicKeyIdentifier{Hint: hex.EncodeToString(hint[:])}},
		},
		Content: &protobundle.Bundle_DsseEnvelope{DsseEnvelope: &protodsse.Envelope{
			Payload:     statement,
			PayloadType: InTotoPayloadType,
			Signatures:  []*protodsse.Signature{{Sig: sig}},
		}},
	}
	return protojson.Marshal(b)
}

// PublicKeyPEM encodes key's public half as PEM, as cosign.pub is.
func PublicKeyPEM(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}
