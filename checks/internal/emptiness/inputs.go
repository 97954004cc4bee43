package emptiness

import (
	"strconv"
	"strings"

	"github.com/rhysd/actionlint"
)

// DispatchDefault is the value a workflow_dispatch input has at its
// default, read as inputs.X (event false) or github.event.inputs.X. An
// input without a default is dispatched as the empty string (a boolean as false, the
// state of its unticked box).
func DispatchDefault(d *actionlint.DispatchInput, event bool) Value {
	v := ""
	if d.Default != nil {
		v = d.Default.Value
	}
	if v == "" && d.Type == actionlint.WorkflowDispatchEventInputTypeBoolean {
		v = "false"
	}
	if event {
		return String(v, nil) // github.event.inputs holds strings
	}
	switch d.Type {
	case actionlint.WorkflowDispatchEventInputTypeBoolean:
		return Boolean(strings.EqualFold(v, "true"))
	case actionlint.WorkflowDispatchEventInputTypeNumber:
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return Number(f)
		}
	}
	return String(v, nil)
}
