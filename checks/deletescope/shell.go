package deletescope

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/releasegate/releasegate/checks/internal/expr"
)

// script is what the rule needs from one shell script: where variables get
// their values, which commands send DELETE requests and which commands log
// in to a registry (tools such as crane reuse those credentials later).
type script struct {
	exprs   []expr.Expr               // ${{ }} placeholders, by index
	assigns map[string][]*syntax.Word // variable -> every value assigned to it
	deletes []deleteCall
	logins  []*syntax.CallExpr
}

// deleteCall is one command that deletes something remotely.
type deleteCall struct {
	tool  string // "curl -X DELETE", "crane delete", ...
	call  *syntax.CallExpr
	start syntax.Pos // where the command starts in the script
	end   syntax.Pos // just past its last word
	hosts []string   // hosts the request goes to, when they can be read
}

// placeholder matches the stand-ins for ${{ }} expressions (see
// maskExpressions): the shell parser cannot read ${{ }}, so each one is
// replaced by a word of the same length before parsing.
var placeholder = regexp.MustCompile(`RGX([0-9]+)_*`)

// maskExpressions replaces each ${{ }} by an identifier-like word of the
// same length, so byte offsets in the parsed script stay those of the
// original text.
func maskExpressions(src string) (string, []expr.Expr) {
	exprs := expr.Find(src)
	if len(exprs) == 0 {
		return src, nil
	}
	var b strings.Builder
	last := 0
	for i, e := range exprs {
		b.WriteString(src[last:e.Start])
		word := "RGX" + strconv.Itoa(i)
		n := e.End - e.Start
		if len(word) > n {
			word = word[:n] // cannot happen for real ${{ x }}, which is >= 7 bytes
		}
		b.WriteString(word + strings.Repeat("_", n-len(word)))
		last = e.End
	}
	b.WriteString(src[last:])
	return b.String(), exprs
}

// parseScript parses a bash/sh script. It returns nil when the text is not
// shell (for example a PowerShell step or a prose fence).
func parseScript(parser *syntax.Parser, src string) *script {
	masked, exprs := maskExpressions(src)
	f, err := parser.Parse(strings.NewReader(masked), "")
	if err != nil {
		return nil
	}
	s := &script{exprs: exprs, assigns: map[string][]*syntax.Word{}}
	syntax.Walk(f, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.Assign:
			if x.Name != nil && x.Value != nil {
				s.assigns[x.Name.Value] = append(s.assigns[x.Name.Value], x.Value)
			}
		case *syntax.CallExpr:
			s.command(x)
		}
		return true
	})
	return s
}

func (s *script) command(call *syntax.CallExpr) {
	args := make([]string, 0, len(call.Args))
	for _, w := range call.Args {
		args = append(args, render(w))
	}
	args = stripPrefixes(args)
	if len(args) == 0 {
		return
	}
	if isLogin(args) {
		s.logins = append(s.logins, call)
		return
	}
	tool, targets, ok := classifyDelete(args)
	if !ok {
		return
	}
	s.deletes = append(s.deletes, deleteCall{
		tool: tool, call: call, start: call.Pos(), end: call.End(), hosts: hostsOf(targets),
	})
}

// stripPrefixes drops command wrappers that do not change what runs.
func stripPrefixes(args []string) []string {
	for len(args) > 0 {
		switch baseName(args[0]) {
		case "sudo", "command", "exec", "time", "nohup":
			args = args[1:]
			continue
		}
		return args
	}
	return args
}

func baseName(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// classifyDelete recognises commands that delete remotely. targets are the
// arguments naming what is deleted (URLs or image references).
func classifyDelete(args []string) (tool string, targets []string, ok bool) {
	cmd := baseName(args[0])
	rest := args[1:]
	switch cmd {
	case "curl":
		if methodIs(rest, "DELETE", "-X", "--request") {
			return "curl -X DELETE", urls(rest), true
		}
	case "wget":
		if methodIs(rest, "DELETE", "", "--method") {
			return "wget --method=DELETE", urls(rest), true
		}
	case "gh":
		if len(rest) > 0 && rest[0] == "api" && methodIs(rest[1:], "DELETE", "-X", "--method") {
			return "gh api -X DELETE", append(urls(rest), "api.github.com"), true
		}
	case "http", "https", "xh":
		if len(rest) > 0 && strings.EqualFold(rest[0], "DELETE") {
			return cmd + " DELETE", operands(rest[1:]), true
		}
	case "crane":
		if len(rest) > 0 && rest[0] == "delete" {
			return "crane delete", operands(rest[1:]), true
		}
	case "skopeo":
		if len(rest) > 0 && rest[0] == "delete" {
			return "skopeo delete", operands(rest[1:]), true
		}
	case "regctl":
		if len(rest) > 1 && (rest[0] == "tag" || rest[0] == "manifest" || rest[0] == "blob") && (rest[1] == "delete" || rest[1] == "rm") {
			return "regctl " + rest[0] + " " + rest[1], operands(rest[2:]), true
		}
	case "oras":
		if len(rest) > 1 && (rest[0] == "manifest" || rest[0] == "blob") && rest[1] == "delete" {
			return "oras " + rest[0] + " delete", operands(rest[2:]), true
		}
	}
	return "", nil, false
}

// methodIs reports whether the arguments set the HTTP method, through a
// short flag (-X DELETE, -XDELETE, -sX DELETE) or a long one (--request
// DELETE, --request=DELETE).
func methodIs(args []string, method, short, long string) bool {
	for i, a := range args {
		next := ""
		if i+1 < len(args) {
			next = args[i+1]
		}
		switch {
		case long != "" && a == long:
			return strings.EqualFold(next, method)
		case long != "" && strings.HasPrefix(a, long+"="):
			return strings.EqualFold(a[len(long)+1:], method)
		case short != "" && len(a) > 1 && a[0] == '-' && a[1] != '-':
			flags := a[1:]
			j := strings.IndexByte(flags, short[1])
			if j < 0 {
				continue
			}
			if j == len(flags)-1 {
				return strings.EqualFold(next, method)
			}
			return strings.EqualFold(flags[j+1:], method)
		}
	}
	return false
}

func urls(args []string) []string {
	var out []string
	for _, a := range args {
		if strings.Contains(a, "://") {
			out = append(out, a)
		}
	}
	return out
}

// operands are the arguments that are not flags.
func operands(args []string) []string {
	var out []string
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			out = append(out, a)
		}
	}
	return out
}

// hostsOf extracts the host of each URL or image reference.
func hostsOf(targets []string) []string {
	var out []string
	for _, t := range targets {
		t = strings.TrimPrefix(t, "docker://")
		if strings.Contains(t, "://") {
			if u, err := url.Parse(t); err == nil && u.Host != "" && !strings.Contains(u.Host, "$") {
				out = append(out, strings.ToLower(u.Hostname()))
			}
			continue
		}
		first, _, hasSlash := strings.Cut(t, "/")
		switch {
		case !hasSlash, strings.Contains(first, "$"):
			// A bare name, or a host we cannot read statically.
		case strings.ContainsAny(first, ".:") || first == "localhost":
			out = append(out, strings.ToLower(first))
		default:
			out = append(out, "docker.io") // "org/app" means Docker Hub
		}
	}
	return out
}

// isLogin recognises commands that store registry credentials for later
// commands of the same tool.
func isLogin(args []string) bool {
	cmd := baseName(args[0])
	rest := args[1:]
	switch cmd {
	case "docker", "podman", "skopeo", "oras", "helm":
		return len(rest) > 0 && (rest[0] == "login" || (len(rest) > 1 && rest[0] == "registry" && rest[1] == "login"))
	case "crane":
		return len(rest) > 1 && rest[0] == "auth" && rest[1] == "login"
	case "regctl":
		return len(rest) > 1 && rest[0] == "registry" && rest[1] == "login"
	}
	return false
}

// render turns a shell word into text, writing parameter expansions as
// $NAME and command substitutions as $(...).
func render(w *syntax.Word) string {
	var b strings.Builder
	renderParts(&b, w.Parts)
	return b.String()
}

func renderParts(b *strings.Builder, parts []syntax.WordPart) {
	for _, p := range parts {
		switch x := p.(type) {
		case *syntax.Lit:
			b.WriteString(x.Value)
		case *syntax.SglQuoted:
			b.WriteString(x.Value)
		case *syntax.DblQuoted:
			renderParts(b, x.Parts)
		case *syntax.ParamExp:
			if x.Param != nil {
				b.WriteString("$" + x.Param.Value)
			}
		case *syntax.CmdSubst:
			b.WriteString("$(...)")
		}
	}
}
