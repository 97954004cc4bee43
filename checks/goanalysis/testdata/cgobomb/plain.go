package cgobomb

// Version is the package's cgo-free part.
const Version = "1.0.0"
