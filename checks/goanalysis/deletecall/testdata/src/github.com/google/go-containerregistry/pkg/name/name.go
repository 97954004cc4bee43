// Package name is a type stub of go-containerregistry's name.
package name

type Reference interface{ String() string }

type Tag struct{ s string }

func (t Tag) String() string { return t.s }

func NewTag(s string) (Tag, error) { return Tag{s}, nil }
