package linttest

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/lint"
	"github.com/releasegate/releasegate/report"
	"github.com/releasegate/releasegate/rule"
)

// wantFile is the file of a case directory that lists the findings the
// case expects, one line each:
//
//	.github/workflows/w.yml:9 empty-expression "is empty when .* runs on push"
//	action.yml:12 failure-step-unreachable warning
//
// that is the file and line of a » marker, the rule, optionally the
// severity, and optionally a Go-quoted regular expression the message
// must match (as analysistest's // want). A line holding several markers
// takes as many want lines, paired in column order. Lines starting with #
// are comments; a want file with no finding line means the case must stay
// clean.
const wantFile = "want"

// RunCaseDirs runs checks over every case directory below dir as a
// subtest named by its path. A case directory holds a wantFile and a small
// repository laid out as in a real one (.github/workflows/*.yml,
// action.yml, docs/*.md, .releasegate.yaml for config) with » and «
// markers where findings start and end; the markers are stripped before
// the checks run. A directory without a wantFile is a group of cases.
// Every finding must be wanted (position, rule, severity, message) and
// every wanted finding present (the severity and message where the want
// line gives them); suppressed findings count as absent.
// Directories named fuzz (Go's fuzz corpus) and src (analysistest) are
// not cases.
func RunCaseDirs(t *testing.T, dir string, checks ...lint.Check) {
	t.Helper()
	cases, err := caseDirs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatalf("no case directories under %s", dir)
	}
	for _, c := range cases {
		name, _ := filepath.Rel(dir, c)
		t.Run(filepath.ToSlash(name), func(t *testing.T) {
			runCaseDir(t, c, checks)
		})
	}
}

// caseDirs lists the case directories below dir, in name order.
func caseDirs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "fuzz" || e.Name() == "src" {
			continue
		}
		sub := filepath.Join(dir, e.Name())
		if _, err := os.Stat(filepath.Join(sub, wantFile)); err == nil {
			out = append(out, sub)
			continue
		}
		more, err := caseDirs(sub)
		if err != nil {
			return nil, err
		}
		if len(more) == 0 {
			return nil, fmt.Errorf("%s: neither a case (no %s file) nor a group of cases", sub, wantFile)
		}
		out = append(out, more...)
	}
	return out, nil
}

// want is one expected finding: a marker's position and its want line.
type want struct {
	mark
	rule     string
	severity rule.Severity // "" when not asserted
	msg      *regexp.Regexp
	src      string // where the want line is, for messages
	matched  bool
}

// String is the want as its want line gives it, with the span where the
// markers give an end.
func (w *want) String() string {
	s := w.rule
	if w.EndLine != 0 {
		s = fmt.Sprintf("ending at %d:%d %s", w.EndLine, w.EndCol, s)
	}
	if w.severity != "" {
		s += " " + string(w.severity)
	}
	if w.msg != nil {
		s += " " + strconv.Quote(w.msg.String())
	}
	return s
}

func runCaseDir(t *testing.T, dir string, checks []lint.Check) {
	files, wants, err := loadCase(dir)
	if err != nil {
		t.Fatal(err)
	}
	res := RunDir(t, Write(t, files), checks...)
	for _, problem := range judge(dir, wants, res) {
		t.Error(problem)
	}
}

// loadCase reads a case directory: its files with the markers stripped,
// and the findings its wantFile and markers expect.
func loadCase(dir string) (map[string]string, []*want, error) {
	files, err := readCase(dir)
	if err != nil {
		return nil, nil, err
	}
	files, marks := stripMarkers(files)
	wants, err := pairWants(dir, marks)
	return files, wants, err
}

// judge compares a run's result with what the case wants and returns
// one line per difference, positioned at the case's file.
func judge(dir string, wants []*want, res *report.Result) []string {
	var problems []string
	for _, e := range res.Errors {
		problems = append(problems, fmt.Sprintf("input error: %+v", e))
	}
	for _, f := range res.Findings {
		if f.Suppressed {
			continue // suppressed findings are not reported
		}
		if problem := matchFinding(wants, f); problem != "" {
			problems = append(problems, fmt.Sprintf("%s:%d:%d-%d:%d: %s", filepath.Join(dir, f.File), f.Line, f.Column, f.EndLine, f.EndColumn, problem))
		}
	}
	for _, w := range wants {
		if !w.matched {
			problems = append(problems, fmt.Sprintf("%s:%d:%d: missing finding %s (%s)", filepath.Join(dir, w.File), w.Line, w.Col, w, w.src))
		}
	}
	return problems
}

// matchFinding marks the want f fulfils and returns "", or says what is
// wrong with f.
func matchFinding(wants []*want, f report.Finding) string {
	var near *want
	for _, w := range wants {
		if w.matched || w.File != f.File || w.Line != f.Line || w.Col != f.Column {
			continue
		}
		if w.EndLine != 0 && (w.EndLine != f.EndLine || w.EndCol != f.EndColumn) {
			near = w
			continue
		}
		if w.rule == f.Rule && (w.severity == "" || w.severity == f.Severity) && (w.msg == nil || w.msg.MatchString(f.Message)) {
			w.matched = true
			return ""
		}
		near = w
	}
	got := fmt.Sprintf("%s %s %q", f.Rule, f.Severity, f.Message)
	if near == nil {
		return "unexpected finding " + got
	}
	return fmt.Sprintf("finding %s does not match the one wanted at its start: %s (%s)", got, near, near.src)
}

// readCase returns the files of a case directory (slash paths relative to
// it), without its wantFile.
func readCase(dir string) (map[string]string, error) {
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == wantFile {
			return err
		}
		b, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	return files, err
}

// pairWants reads dir's wantFile and pairs each line with a marker on the
// line it names, in column order; markers and want lines must pair up.
func pairWants(dir string, marks []mark) ([]*want, error) {
	path := filepath.Join(dir, wantFile)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	byLine := map[string][]*want{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		w, err := parseWant(text)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		w.src = fmt.Sprintf("%s:%d", path, n)
		key := fmt.Sprintf("%s:%d", w.File, w.Line)
		byLine[key] = append(byLine[key], w)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	marked := map[string][]mark{}
	for _, m := range marks {
		key := fmt.Sprintf("%s:%d", m.File, m.Line)
		marked[key] = append(marked[key], m)
	}
	var out []*want
	for key, ws := range byLine {
		ms := marked[key]
		if len(ms) != len(ws) {
			return nil, fmt.Errorf("%s: %d want line(s) for %s, which has %d » marker(s)", ws[0].src, len(ws), key, len(ms))
		}
		slices.SortFunc(ms, func(a, b mark) int { return a.Col - b.Col })
		for i, w := range ws {
			w.mark = ms[i]
			out = append(out, w)
		}
		delete(marked, key)
	}
	for key := range marked {
		return nil, fmt.Errorf("%s: marker at %s has no line in %s", dir, key, wantFile)
	}
	return out, nil
}

// parseWant reads `file:line rule [severity] ["regexp"]`.
func parseWant(text string) (*want, error) {
	loc, rest, _ := strings.Cut(text, " ")
	file, lineText, ok := strings.Cut(loc, ":")
	line, err := strconv.Atoi(lineText)
	if !ok || err != nil || line < 1 {
		return nil, fmt.Errorf("want line %q does not start with file:line", text)
	}
	id, rest, _ := strings.Cut(strings.TrimSpace(rest), " ")
	if id == "" {
		return nil, fmt.Errorf("want line %q names no rule", text)
	}
	w := &want{mark: mark{File: file, Line: line}, rule: id}
	rest = strings.TrimSpace(rest)
	if word, after, _ := strings.Cut(rest, " "); slices.Contains([]rule.Severity{rule.Note, rule.Warning, rule.Error}, rule.Severity(word)) {
		w.severity, rest = rule.Severity(word), strings.TrimSpace(after)
	}
	if rest == "" {
		return w, nil
	}
	quoted, err := strconv.QuotedPrefix(rest)
	if err != nil || quoted != rest {
		return nil, fmt.Errorf("want line %q: the message must be one quoted regular expression", text)
	}
	pattern, _ := strconv.Unquote(quoted)
	if w.msg, err = regexp.Compile(pattern); err != nil {
		return nil, fmt.Errorf("want line %q: %w", text, err)
	}
	return w, nil
}
