package a

import (
	"bytes"
	"strings"
)

func builderBody(user, token string) string {
	var b strings.Builder
	b.WriteString(`{"username":"`)
	b.WriteString(user) // want `strings.Builder builds JSON text with user pasted inside JSON quotes`
	b.WriteString(`","password":"`)
	b.WriteString(token) // reported once per builder
	b.WriteString(`"}`)
	return b.String()
}

func bufferBody(name string) []byte {
	buf := &bytes.Buffer{}
	buf.WriteByte('[')
	buf.WriteByte('"')
	buf.WriteString(name) // want `bytes.Buffer builds JSON text with name pasted`
	buf.WriteString(`"]`)
	return buf.Bytes()
}

func builderFine(user string, n int) string {
	var b strings.Builder
	b.WriteString(`{"count":`)
	b.WriteString(strings.Repeat("1", n)) // outside quotes
	b.WriteString(`}`)

	var log strings.Builder
	log.WriteString("user ")
	log.WriteString(user) // not JSON
	return b.String() + log.String()
}
