package sigstoretest

// The transparency log: a Rekor-like log that records DSSE entries, signs
// entry timestamps and serves RFC 6962 inclusion proofs.

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/url"

	"github.com/cyberphone/json-canonicalization/go/src/webpki.org/jsoncanonicalizer"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	rekorutil "github.com/sigstore/rekor/pkg/util"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore/pkg/signature"
)

func (a *Authority) transparencyLog() *root.TransparencyLog {
	return &root.TransparencyLog{
		BaseURL:             a.logURL,
		ID:                  a.logID,
		ValidityPeriodStart: a.validFrom,
		HashFunc:            crypto.SHA256,
		PublicKey:           a.logKey.Public(),
		SignatureHashFunc:   crypto.SHA256,
	}
}

// logDSSE appends a Rekor v1 "dsse" entry to the log and returns it with an
// inclusion proof against a freshly signed checkpoint and a signed entry
// timestamp (inclusion promise).
func (a *Authority) logDSSE(payload, sig, certPEM []byte) (*protorekor.TransparencyLogEntry, error) {
	payloadHash := sha256.Sum256(payload)
	envHash := sha256.Sum256(append(append([]byte{}, payload...), sig...))
	body, err := json.Marshal(map[string]any{
		"apiVersion": "0.0.1",
		"kind":       "dsse",
		"spec": map[string]any{
			"envelopeHash": map[string]string{"algorithm": "sha256", "value": hex.EncodeToString(envHash[:])},
			"payloadHash":  map[string]string{"algorithm": "sha256", "value": hex.EncodeToString(payloadHash[:])},
			"signatures": []map[string]string{{
				"signature": base64.StdEncoding.EncodeToString(sig),
				"verifier":  base64.StdEncoding.EncodeToString(certPEM),
			}},
		},
	})
	if err != nil {
		return nil, err
	}
	integrated := a.now().Unix()

	a.mu.Lock()
	a.leaves = append(a.leaves, hashLeaf(body))
	index := int64(len(a.leaves) - 1)
	leaves := append([][]byte(nil), a.leaves...)
	a.mu.Unlock()

	rootHash := treeHash(leaves)
	path := inclusionPath(int(index), leaves)
	signer, err := signature.LoadECDSASignerVerifier(a.logKey, crypto.SHA256)
	if err != nil {
		return nil, err
	}
	host, _ := url.Parse(a.logURL)
	checkpoint, err := rekorutil.CreateAndSignCheckpoint(context.Background(), host.Hostname(), a.logTreeID, uint64(len(leaves)), rootHash, signer)
	if err != nil {
		return nil, err
	}
	set, err := a.signEntryTimestamp(body, integrated, index)
	if err != nil {
		return nil, err
	}
	return &protorekor.TransparencyLogEntry{
		LogIndex:          index,
		LogId:             &protocommon.LogId{KeyId: a.logID},
		KindVersion:       &protorekor.KindVersion{Kind: "dsse", Version: "0.0.1"},
		IntegratedTime:    integrated,
		InclusionPromise:  &protorekor.InclusionPromise{SignedEntryTimestamp: set},
		CanonicalizedBody: body,
		InclusionProof: &protorekor.InclusionProof{
			LogIndex:   index,
			RootHash:   rootHash,
			TreeSize:   int64(len(leaves)),
			Hashes:     path,
			Checkpoint: &protorekor.Checkpoint{Envelope: string(checkpoint)},
		},
	}, nil
}

// signEntryTimestamp signs the canonical JSON Rekor v1 puts under its
// inclusion promise.
func (a *Authority) signEntryTimestamp(body []byte, integrated, index int64) ([]byte, error) {
	payload, err := json.Marshal(map[string]any{
		"body":           base64.StdEncoding.EncodeToString(body),
		"integratedTime": integrated,
		"logIndex":       index,
		"logID":          hex.EncodeToString(a.logID),
	})
	if err != nil {
		return nil, err
	}
	canon, err := jsoncanonicalizer.Transform(payload)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(canon)
	return ecdsa.SignASN1(rand.Reader, a.logKey, h[:])
}

func hashLeaf(b []byte) []byte {
	h := sha256.Sum256(append([]byte{0}, b...))
	return h[:]
}

func hashChildren(l, r []byte) []byte {
	h := sha256.Sum256(append(append([]byte{1}, l...), r...))
	return h[:]
}

// split returns the largest power of two smaller than n (n > 1).
func split(n int) int {
	k := 1
	for k<<1 < n {
		k <<= 1
	}
	return k
}

func treeHash(leaves [][]byte) []byte {
	switch len(leaves) {
	case 0:
		h := sha256.Sum256(nil)
		return h[:]
	case 1:
		return leaves[0]
	}
	k := split(len(leaves))
	return hashChildren(treeHash(leaves[:k]), treeHash(leaves[k:]))
}

// inclusionPath is RFC 6962's PATH(m, D[n]), ordered from the leaf up.
func inclusionPath(m int, leaves [][]byte) [][]byte {
	if len(leaves) <= 1 {
		return nil
	}
	k := split(len(leaves))
	if m < k {
		return append(inclusionPath(m, leaves[:k]), treeHash(leaves[k:]))
	}
	return append(inclusionPath(m-k, leaves[k:]), treeHash(leaves[:k]))
}
