package config

import _ "embed"

// Schema is the JSON Schema of .releasegate.yaml, for editors (point
// yaml-language-server at config/releasegate.schema.json).
//
//go:embed releasegate.schema.json
var Schema []byte
