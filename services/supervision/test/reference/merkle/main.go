// Command merkle-reference answers the audit log's tests with the reference implementations of
// RFC 9162 hashing and proofs, github.com/transparency-dev/merkle (roots of every prefix of the
// given leaves, the inclusion and consistency proofs asked for, whether proofs the tests made
// verify), and of C2SP checkpoints and cosignatures, github.com/transparency-dev/formats
// (whether the checkpoints the tests made open with the given keys). It reads one JSON request on stdin and writes one JSON answer on stdout.
package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"

	"github.com/transparency-dev/formats/log"
	formatsnote "github.com/transparency-dev/formats/note"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	sumdbnote "golang.org/x/mod/sumdb/note"
)

type inclusionCheck struct {
	Index uint64   `json:"index"`
	Size  uint64   `json:"size"`
	Proof []string `json:"proof"`
}

type consistencyCheck struct {
	First  uint64   `json:"first"`
	Second uint64   `json:"second"`
	Proof  []string `json:"proof"`
}

type checkpointCheck struct {
	Note       string `json:"note"`
	Origin     string `json:"origin"`
	LogKey     string `json:"logKey"`
	WitnessKey string `json:"witnessKey"`
}

type checkpointAnswer struct {
	Size       uint64 `json:"size"`
	Root       string `json:"root"`
	Signatures int    `json:"signatures"`
	CosignedAt int64  `json:"cosignedAt"`
	Error      string `json:"error"`
}

type request struct {
	Leaves []string `json:"leaves"`
	// Proofs to make: [index, size] and [first, second] pairs.
	InclusionProofs   [][2]uint64 `json:"inclusionProofs"`
	ConsistencyProofs [][2]uint64 `json:"consistencyProofs"`
	// Proofs to verify.
	Inclusion   []inclusionCheck   `json:"inclusion"`
	Consistency []consistencyCheck `json:"consistency"`
	Checkpoints []checkpointCheck  `json:"checkpoints"`
}

type answer struct {
	Roots       []string            `json:"roots"`
	Inclusion   map[string][]string `json:"inclusion"`
	Consistency map[string][]string `json:"consistency"`
	Verified    map[string][]bool   `json:"verified"`
	Checkpoints []checkpointAnswer  `json:"checkpoints"`
}

var hasher = rfc6962.DefaultHasher

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func hexes(hashes [][]byte) []string {
	out := make([]string, len(hashes))
	for i, h := range hashes {
		out[i] = hex.EncodeToString(h)
	}
	return out
}

func unhex(values []string) [][]byte {
	out := make([][]byte, len(values))
	for i, v := range values {
		b, err := hex.DecodeString(v)
		must(err)
		out[i] = b
	}
	return out
}

// nodeHash computes a perfect subtree's hash from the leaf hashes.
func nodeHash(leafHashes [][]byte, id compact.NodeID) []byte {
	begin, end := id.Coverage()
	rf := compact.RangeFactory{Hash: hasher.HashChildren}
	r := rf.NewEmptyRange(begin)
	for _, h := range leafHashes[begin:end] {
		must(r.Append(h, nil))
	}
	return r.Hashes()[0]
}

func proofHashes(leafHashes [][]byte, nodes proof.Nodes) []string {
	hashes := make([][]byte, len(nodes.IDs))
	for i, id := range nodes.IDs {
		hashes[i] = nodeHash(leafHashes, id)
	}
	p, err := nodes.Rehash(hashes, hasher.HashChildren)
	must(err)
	return hexes(p)
}

func main() {
	var req request
	must(json.NewDecoder(os.Stdin).Decode(&req))
	leaves := unhex(req.Leaves)
	leafHashes := make([][]byte, len(leaves))
	for i, l := range leaves {
		leafHashes[i] = hasher.HashLeaf(l)
	}
	ans := answer{Inclusion: map[string][]string{}, Consistency: map[string][]string{}, Verified: map[string][]bool{}}
	roots := make([][]byte, len(leaves)+1)
	rf := compact.RangeFactory{Hash: hasher.HashChildren}
	r := rf.NewEmptyRange(0)
	roots[0] = hasher.EmptyRoot()
	for i, h := range leafHashes {
		must(r.Append(h, nil))
		root, err := r.GetRootHash(nil)
		must(err)
		roots[i+1] = root
	}
	ans.Roots = hexes(roots)
	for _, p := range req.InclusionProofs {
		nodes, err := proof.Inclusion(p[0], p[1])
		must(err)
		ans.Inclusion[key(p[0], p[1])] = proofHashes(leafHashes, nodes)
	}
	for _, p := range req.ConsistencyProofs {
		nodes, err := proof.Consistency(p[0], p[1])
		must(err)
		ans.Consistency[key(p[0], p[1])] = proofHashes(leafHashes, nodes)
	}
	for _, c := range req.Inclusion {
		err := proof.VerifyInclusion(hasher, c.Index, c.Size, leafHashes[c.Index], unhex(c.Proof), roots[c.Size])
		ans.Verified["inclusion"] = append(ans.Verified["inclusion"], err == nil)
	}
	for _, c := range req.Consistency {
		err := proof.VerifyConsistency(hasher, c.First, c.Second, unhex(c.Proof), roots[c.First], roots[c.Second])
		ans.Verified["consistency"] = append(ans.Verified["consistency"], err == nil)
	}
	for _, c := range req.Checkpoints {
		ans.Checkpoints = append(ans.Checkpoints, openCheckpoint(c))
	}
	must(json.NewEncoder(os.Stdout).Encode(ans))
}

func key(a, b uint64) string {
	return fmt.Sprintf("%d:%d", a, b)
}

// openCheckpoint parses a checkpoint as a log client would: the log's signature must verify,
// and the witness's cosignature is counted when it does.
func openCheckpoint(c checkpointCheck) checkpointAnswer {
	logVerifier, err := sumdbnote.NewVerifier(c.LogKey)
	if err != nil {
		return checkpointAnswer{Error: err.Error()}
	}
	var others []sumdbnote.Verifier
	if c.WitnessKey != "" {
		witness, err := formatsnote.NewVerifierForCosignatureV1(c.WitnessKey)
		if err != nil {
			return checkpointAnswer{Error: err.Error()}
		}
		others = append(others, witness)
	}
	cp, _, n, err := log.ParseCheckpoint([]byte(c.Note), c.Origin, logVerifier, others...)
	if err != nil {
		return checkpointAnswer{Error: err.Error()}
	}
	ans := checkpointAnswer{Size: cp.Size, Root: hex.EncodeToString(cp.Hash), Signatures: len(n.Sigs)}
	for _, s := range n.Sigs {
		if t, err := formatsnote.CoSigV1Timestamp(s); err == nil {
			ans.CosignedAt = t.Unix()
		}
	}
	return ans
}
