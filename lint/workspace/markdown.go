package workspace

import "strings"

// Markdown is a Markdown file with its fenced code blocks.
type Markdown struct {
	*File
	Fences []Fence
}

// Fence is a fenced code block.
type Fence struct {
	Line     int    // line of the opening ``` or ~~~
	Info     string // the whole info string
	Lang     string // its first word, lower-cased ("" when absent)
	Body     string // content with the fence's indentation removed
	BodyLine int    // line of the first content line
	Closed   bool   // false when the block runs to the end of the file
}

// Shell reports whether the block holds shell commands: sh, bash, shell,
// zsh or console, or no language at all (runbooks often omit it).
func (f Fence) Shell() bool {
	switch f.Lang {
	case "", "sh", "bash", "shell", "zsh", "console", "shell-session", "shellsession":
		return true
	}
	return false
}

func parseMarkdown(f *File) *Markdown {
	return &Markdown{File: f, Fences: ScanFences(string(f.Src))}
}

// ScanFences finds the fenced code blocks of a Markdown document, following
// CommonMark's fence rules (``` or ~~~, three or more, closed by a run of
// the same character at least as long) but accepting any indentation for
// the opening line, because runbooks put fences inside list items.
func ScanFences(src string) []Fence {
	lines := strings.Split(src, "\n")
	var out []Fence
	for i := 0; i < len(lines); i++ {
		indent, char, n, info, ok := openingFence(lines[i])
		if !ok {
			continue
		}
		fence := Fence{Line: i + 1, Info: info, BodyLine: i + 2}
		if fs := strings.Fields(info); len(fs) > 0 {
			fence.Lang = strings.ToLower(strings.Trim(fs[0], "{}."))
		}
		var body []string
		j := i + 1
		for ; j < len(lines); j++ {
			if closingFence(lines[j], char, n) {
				fence.Closed = true
				break
			}
			body = append(body, dedent(strings.TrimSuffix(lines[j], "\r"), indent))
		}
		fence.Body = strings.Join(body, "\n")
		out = append(out, fence)
		i = j
	}
	return out
}

func openingFence(line string) (indent int, char byte, n int, info string, ok bool) {
	line = strings.TrimSuffix(line, "\r")
	trimmed := strings.TrimLeft(line, " \t")
	indent = len(line) - len(trimmed)
	// Blockquotes and list markers before a fence are not unwrapped; the
	// fence is still found because indentation is not limited.
	if len(trimmed) < 3 || (trimmed[0] != '`' && trimmed[0] != '~') {
		return 0, 0, 0, "", false
	}
	char = trimmed[0]
	for n < len(trimmed) && trimmed[n] == char {
		n++
	}
	if n < 3 {
		return 0, 0, 0, "", false
	}
	info = strings.TrimSpace(trimmed[n:])
	if char == '`' && strings.ContainsRune(info, '`') {
		return 0, 0, 0, "", false // inline code such as ```a``` is not a fence
	}
	return indent, char, n, info, true
}

func closingFence(line string, char byte, n int) bool {
	t := strings.TrimSpace(line)
	if len(t) < n {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] != char {
			return false
		}
	}
	return true
}

// dedent removes up to n leading spaces or tabs.
func dedent(s string, n int) string {
	i := 0
	for i < n && i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return s[i:]
}
