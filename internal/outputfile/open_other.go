//go:build !unix

package outputfile

// Where the open flags do not exist, the check before the open stands alone.
const (
	noFollow = 0
	nonBlock = 0
)
