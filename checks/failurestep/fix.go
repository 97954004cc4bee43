package failurestep

import (
	"errors"
	"regexp"
	"slices"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/releasegate/releasegate/checks/internal/expr"
	"github.com/releasegate/releasegate/checks/internal/walk"
	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/lint/workspace"
	"github.com/releasegate/releasegate/report"
)

// The fix adds the status function the rule's message asks for, in the
// form that keeps what the condition tests:
//
//   - `!cancelled()` for a test of a failure (or a skip): it lifts the
//     implicit success() and nothing else, so the condition runs after
//     the failure it waits for, and still not in a cancelled run.
//     failure() would be wrong for a step tested with continue-on-error
//     that is true in some runs: its outcome is 'failure' while
//     failure() is false;
//   - `always()` where the test can only hold in a cancelled run, or
//     also then (== 'cancelled', != 'success'): under !cancelled() those
//     outcomes would never be seen; and for a gate job, which must run
//     in every outcome, since a skipped required check counts as passed;
//   - `!failure() && !cancelled()` for a job skipped only because a job
//     above it was skipped: it runs when its needs succeeded or were
//     skipped, as the job's author expected, and not after a failure.
//
// The condition keeps its form: `${{ }}` or bare, quoted or block. A
// plain (unquoted) value cannot start with `!` (YAML would read a tag),
// so there the status function goes at the end. A job that reads outputs
// of a need its condition does not test would run with them empty when
// that need failed or was skipped: the fix is refused, or for a job the
// chain of skips held back, requires that need's success (see
// jobStatus).

// addStatus returns the fix that adds status to the condition cond.
func addStatus(f *workspace.File, cond *actionlint.String, status string) lint.Detail {
	edits, err := condEdits(f, cond, status)
	if err != nil {
		return lint.WithoutFix(err.Error())
	}
	return lint.WithFix("add "+status+" to the if:", edits...)
}

// condEdits are the edits that add status to the condition cond.
func condEdits(f *workspace.File, cond *actionlint.String, status string) ([]report.Edit, error) {
	node, src, off := expr.Condition(cond.Value)
	if node == nil {
		return nil, errors.New("the condition could not be read")
	}
	from, to := conditionBody(cond.Value, src, off)
	parens := isOr(node) && !enclosed(cond.Value[from:to])
	var edits []string
	var at []int
	switch {
	case !strings.HasPrefix(cond.Value[off:], "${{") && f.PlainAt(cond) && strings.HasPrefix(status, "!"):
		// Written last: a plain value cannot start with "!".
		tail := " && " + status
		if parens {
			edits, at = []string{"(", ")" + tail}, []int{from, to}
		} else {
			edits, at = []string{tail}, []int{to}
		}
	case parens:
		edits, at = []string{status + " && (", ")"}, []int{from, to}
	default:
		edits, at = []string{status + " && "}, []int{from}
	}
	var made []report.Edit
	for i, text := range edits {
		e, err := f.ValueEdit(cond, at[i], at[i], text)
		if err != nil {
			return nil, errors.New("the if: cannot be edited in place: " + err.Error())
		}
		made = append(made, e)
	}
	return made, nil
}

// conditionBody is the range of an if: value holding the expression
// proper: inside ${{ }} when wrapped, without surrounding white space.
func conditionBody(v, src string, off int) (from, to int) {
	if strings.HasPrefix(v[off:], "${{") {
		from = off + 3
		to = from + len(src)
		v = v[:to]
	} else {
		to = len(v)
	}
	for from < to && isSpace(v[from]) {
		from++
	}
	for to > from && isSpace(v[to-1]) {
		to--
	}
	return from, to
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// enclosed reports an expression that parentheses enclose as a whole:
// the parenthesis that opens it closes at its end, not before, as in
// (a) || (b).
func enclosed(s string) bool {
	return strings.HasPrefix(s, "(") && expr.Closing(s, 1, '(', ')') == len(s)-1
}

// isOr reports a top-level ||, which binds looser than the && the fix
// adds.
func isOr(n actionlint.ExprNode) bool {
	l, ok := n.(*actionlint.LogicalOpNode)
	return ok && l.Kind == actionlint.LogicalOpNodeKindOr
}

// guard is the one rule for the status function a failure test needs
// (see the comment at the top): the rule's messages suggest it and its
// fixes write it. `!cancelled()` for a test of a failure or a skip;
// `always()` when a test can also hold in a cancelled run.
func guard(node actionlint.ExprNode, src string, at level) string {
	g := "!cancelled()"
	positiveTests(node, false, func(n actionlint.ExprNode) bool {
		if t, ok := failureTest(n, src, at); ok && (t.kind == notSuccess || strings.Contains(strings.ToLower(t.text), "cancelled")) {
			g = "always()"
			return true
		}
		return false
	})
	return g
}

// replaceFailure is the fix for a handler behind failure() whose tested
// step continues on error: the failure() call becomes g. In a plain
// value that the call starts, `failure() && ` goes and g is written
// last, since a plain value cannot start with "!".
func replaceFailure(f *workspace.File, cond *actionlint.String, base int, call *actionlint.FuncCallNode, g string) lint.Detail {
	from := base + call.Token().Offset
	to := from + len(callText(cond.Value[base:], call.Token().Offset))
	desc := "replace failure() with " + g
	e, err := f.ValueEdit(cond, from, to, g)
	if err == nil {
		return lint.WithFix(desc, e)
	}
	rest := cond.Value[to:]
	trimmed := strings.TrimLeft(rest, " \t")
	if !strings.HasPrefix(trimmed, "&&") {
		return lint.WithoutFix("the if: cannot be edited in place: " + err.Error())
	}
	skip := to + len(rest) - len(strings.TrimLeft(trimmed[2:], " \t"))
	del, err1 := f.ValueEdit(cond, from, skip, "")
	add, err2 := f.ValueEdit(cond, len(strings.TrimRight(cond.Value, " \t\r\n")), len(strings.TrimRight(cond.Value, " \t\r\n")), " && "+g)
	if err1 != nil || err2 != nil {
		return lint.WithoutFix("the if: cannot be edited in place: " + err.Error())
	}
	return lint.WithFix(desc, del, add)
}

// jobStatus is the fix for a job-level finding: status added to the
// job's if:, or a new if: when it has none. Refused when another
// finding's fix of this job already adds a status function.
//
// A job that reads outputs of a need its if: does not test would now run
// with them empty when that need fails or is skipped. With guard set (the
// `!failure() && !cancelled()` fixes), the fix also requires each such
// need to have succeeded — which changes nothing while guard(need) says
// the need is not skipped there; otherwise the fix is refused.
func (j *jobFixes) jobStatus(wf *workspace.Workflow, job *actionlint.Job, status string, guard func(need string) bool) lint.Detail {
	edits, err := j.statusEdits(wf, job, status, guard)
	if err != nil {
		return lint.WithoutFix(err.Error())
	}
	return lint.WithFix("add "+status+" to the job's if:", edits...)
}

// chainStatus is jobStatus for a job that a skipped job above it skips
// (cascades, change filters). GitHub skips a job when any job above it
// in the chain was skipped, unless its own if: has a status function: so
// once the job runs, the jobs below it that have none would still be
// skipped. Each of them gets `!cancelled()` with a test that its own
// needs succeeded — what its implicit success() meant, without the
// chain.
func (j *jobFixes) chainStatus(wf *workspace.Workflow, job *actionlint.Job, status string, guard func(need string) bool) lint.Detail {
	edits, err := j.statusEdits(wf, job, status, guard)
	if err != nil {
		return lint.WithoutFix(err.Error())
	}
	var below []string
	undo := func() {
		j.fixed[job] = false
		for _, id := range below {
			j.fixed[wf.AST.Jobs[strings.ToLower(id)]] = false
		}
	}
	for _, d := range dependents(wf.AST, job) {
		if d.If != nil {
			if n, _, _ := expr.Condition(d.If.Value); n == nil || hasStatusFunc(n) {
				continue
			}
		}
		if j.fixed[d] {
			continue
		}
		more, err := j.statusEdits(wf, d, needsSucceeded(d), nil)
		if err != nil {
			undo()
			return lint.WithoutFix("job " + d.ID.Value + " below it would still be skipped, and cannot be fixed: " + err.Error())
		}
		edits = append(edits, more...)
		below = append(below, d.ID.Value)
	}
	desc := "add " + status + " to the job's if:"
	if len(below) > 0 {
		desc += ", and a test that their needs succeeded to the jobs below it (" + strings.Join(below, ", ") + ")"
	}
	return lint.WithFix(desc, edits...)
}

// needsSucceeded is `!cancelled() && needs.A.result == 'success' && ...`
// over a job's needs.
func needsSucceeded(job *actionlint.Job) string {
	s := "!cancelled()"
	for _, n := range job.Needs {
		s += " && needs." + n.Value + ".result == 'success'"
	}
	return s
}

// dependents lists the jobs below job through needs, nearest first, each
// once.
func dependents(w *actionlint.Workflow, job *actionlint.Job) []*actionlint.Job {
	var out []*actionlint.Job
	seen := map[*actionlint.Job]bool{job: true}
	queue := []*actionlint.Job{job}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, id := range sortedIDs(w) {
			d := w.Jobs[id]
			if seen[d] || !slices.ContainsFunc(d.Needs, func(n *actionlint.String) bool { return strings.EqualFold(n.Value, cur.ID.Value) }) {
				continue
			}
			seen[d] = true
			out = append(out, d)
			queue = append(queue, d)
		}
	}
	return out
}

// statusEdits are the edits of jobStatus.
func (j *jobFixes) statusEdits(wf *workspace.Workflow, job *actionlint.Job, status string, guard func(need string) bool) ([]report.Edit, error) {
	if j.fixed[job] {
		return nil, errors.New("the fix of the other finding on this job adds a status function, which resolves this one too")
	}
	needs, whole := unguardedOutputs(job, status)
	for _, n := range needs {
		if guard == nil || !guard(n) {
			return nil, errors.New("the job reads needs." + n + ".outputs, which are empty when " + n + " fails or is skipped; " +
				"with a status function it would run with them empty, so decide what it should do then")
		}
		status += " && needs." + n + ".result == 'success'"
	}
	if whole != "" {
		return nil, errors.New("the job reads " + whole + ", whose outputs are empty for needs that fail or are skipped; " +
			"with a status function it would run with them empty, so decide what it should do then")
	}
	var edits []report.Edit
	var err error
	if job.If != nil {
		edits, err = condEdits(wf.File, job.If, status)
	} else {
		edits, err = insertIf(wf.File, job, status)
	}
	if err == nil {
		j.fixed[job] = true
	}
	return edits, err
}

// jobFixes tracks the job-level fixes of one workflow.
type jobFixes struct {
	fixed map[*actionlint.Job]bool
}

func newJobFixes() *jobFixes { return &jobFixes{fixed: map[*actionlint.Job]bool{}} }

// outputRead matches a read of needs outputs: needs.J.outputs,
// needs['J'].outputs, needs.*.outputs, and toJSON(needs).
var outputRead = regexp.MustCompile(`(?i)needs\s*(?:\.\s*([\w-]+|\*)|\[\s*'([^']*)'\s*\])\s*\.\s*outputs|tojson\s*\(\s*needs\s*\)`)

// unguardedOutputs lists the needs whose outputs the job reads while its
// if: (with the status about to be added) does not test them, in the
// order read, and a read of every need's outputs at once
// (needs.*.outputs, toJSON(needs)), if any.
func unguardedOutputs(job *actionlint.Job, adding string) (needs []string, whole string) {
	cond := strings.ToLower(adding)
	if job.If != nil {
		cond += " " + strings.ToLower(job.If.Value)
	}
	// The walk of a workflow holding only this job: its values.
	vals := walk.Strings(&actionlint.Workflow{Jobs: map[string]*actionlint.Job{job.ID.Value: job}})
	slices.SortFunc(vals, func(a, b walk.Value) int { return a.Str.Pos.Line - b.Str.Pos.Line })
	for _, v := range vals {
		s := v.Str
		if s == job.If || !expr.ContainsFold(s.Value, "needs") {
			continue
		}
		for _, m := range outputRead.FindAllStringSubmatch(s.Value, -1) {
			need := strings.ToLower(m[1] + m[2])
			switch {
			case need == "" || need == "*":
				if whole == "" {
					whole = m[0]
				}
			case !strings.Contains(cond, "needs."+need) && !slices.Contains(needs, need):
				needs = append(needs, need)
			}
		}
	}
	return needs, whole
}

// insertIf adds `if: status` to a job without one: as the first key of a
// flow mapping, or as a line of its own right below the job's id, indented
// like the job's first key. A status starting with "!" is written as
// ${{ }}, which a plain value needs.
func insertIf(f *workspace.File, job *actionlint.Job, status string) ([]report.Edit, error) {
	if strings.HasPrefix(status, "!") {
		status = "${{ " + status + " }}"
	}
	src := f.Src
	colon := keyColon(src, f.Offset(workspace.PosOf(job.ID.Pos)))
	if colon < 0 {
		return nil, errors.New("the job's key could not be found in the file")
	}
	i := colon + 1
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	if i < len(src) && src[i] == '{' {
		return []report.Edit{f.Edit(i+1, i+1, "if: "+status+", ")}, nil
	}
	if i < len(src) && src[i] != '#' && src[i] != '\n' && src[i] != '\r' {
		return nil, errors.New("the job's mapping is written in a form the fix does not edit (an anchor or alias)")
	}
	lineEnd := slices.Index(src[i:], '\n')
	if lineEnd < 0 {
		return nil, errors.New("the job has no body below its id")
	}
	next := i + lineEnd + 1
	indent, ok := firstKeyIndent(src, next, f.Offset(workspace.PosOf(job.ID.Pos))-lineStart(src, colon))
	if !ok {
		return nil, errors.New("the indentation of the job's keys could not be told")
	}
	return []report.Edit{f.Edit(next, next, indent+"if: "+status+f.LineBreak())}, nil
}

// keyColon finds the ':' ending the mapping key that starts at off
// (plain or quoted).
func keyColon(src []byte, off int) int {
	i := off
	if i < len(src) && (src[i] == '"' || src[i] == '\'') {
		q := src[i]
		for i++; i < len(src) && src[i] != q; i++ {
			if q == '"' && src[i] == '\\' {
				i++
			}
		}
	}
	for ; i < len(src) && src[i] != '\n'; i++ {
		if src[i] == ':' {
			return i
		}
	}
	return -1
}

func lineStart(src []byte, off int) int {
	for off > 0 && src[off-1] != '\n' {
		off--
	}
	return off
}

// firstKeyIndent is the indentation of the first line from off that is
// neither blank nor a comment: the job's first key. It must be deeper
// than the job id's column.
func firstKeyIndent(src []byte, off, idCol int) (string, bool) {
	for off < len(src) {
		end := off
		for end < len(src) && src[end] != '\n' {
			end++
		}
		line := strings.TrimRight(string(src[off:end]), "\r")
		body := strings.TrimLeft(line, " ")
		if body != "" && !strings.HasPrefix(body, "#") {
			n := len(line) - len(body)
			return line[:n], n > idCol && !strings.HasPrefix(body, "\t")
		}
		off = end + 1
	}
	return "", false
}
