// Package gaterule names and documents the gate's rules: the ids the Rego
// policies in the parent directory report, and what `releasegate explain`
// prints about each. It imports no policy engine, so the lint binary can
// list every rule without linking one.
package gaterule
