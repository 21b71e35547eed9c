package flows

import (
	"fmt"
	"sort"
	"strings"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// Problem is one thing wrong with the content, located at a file and line.
type Problem struct {
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// String formats the problem as "path:line: message".
func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.Path, p.Line, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.Path, p.Message)
}

// ValidationError lists every problem found in a bundle. A bundle with any
// problem is refused as a whole.
type ValidationError struct {
	Problems []Problem
}

// Error returns the problems one per line.
func (e *ValidationError) Error() string {
	lines := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		lines = append(lines, p.String())
	}
	return "invalid content:\n" + strings.Join(lines, "\n")
}

// Unwrap lets chat.ErrorCode see the error as EINVALID.
func (e *ValidationError) Unwrap() error {
	return chat.Errorf(chat.EINVALID, "content has %d problem(s)", len(e.Problems))
}

// problems collects problems while a bundle is parsed.
type problems struct{ list []Problem }

func (ps *problems) add(path string, line int, format string, args ...any) {
	ps.list = append(ps.list, Problem{Path: path, Line: line, Message: fmt.Sprintf(format, args...)})
}

// addErr records an error from another package's parser, whose message is
// already "path:line: message".
func (ps *problems) addErr(path string, err error) {
	msg := chat.ErrorMessage(err)
	for _, line := range strings.Split(msg, "\n") {
		if line == "" {
			continue
		}
		p := Problem{Path: path, Message: line}
		if rest, ok := strings.CutPrefix(line, path+":"); ok {
			var n int
			if _, err := fmt.Sscanf(rest, "%d:", &n); err == nil {
				p.Line = n
				p.Message = strings.TrimSpace(strings.SplitN(rest, ":", 2)[1])
			} else {
				p.Message = strings.TrimSpace(rest)
			}
		}
		ps.list = append(ps.list, p)
	}
}

func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	sort.SliceStable(ps.list, func(i, j int) bool {
		if ps.list[i].Path != ps.list[j].Path {
			return ps.list[i].Path < ps.list[j].Path
		}
		return ps.list[i].Line < ps.list[j].Line
	})
	return &ValidationError{Problems: ps.list}
}
