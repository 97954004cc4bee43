//go:build !unix

package inputfile

// nonBlock is not needed where FIFOs cannot be opened as files.
const nonBlock = 0
