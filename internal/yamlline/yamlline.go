// Package yamlline locates yaml.v3 syntax errors: it turns "yaml: line N:
// message" into a 1-based line and the message, correcting yaml.v3's parser
// errors, which count lines from 0 where its scanner errors count from 1.
package yamlline

import (
	"strconv"
	"strings"
)

// Split returns the 1-based line of a yaml.v3 syntax error message and the
// message without its prefix; line is 0 when the message names none.
func Split(errMsg string) (line int, msg string) {
	msg = strings.TrimPrefix(errMsg, "yaml: ")
	rest, ok := strings.CutPrefix(msg, "line ")
	if !ok {
		return 0, msg
	}
	num, tail, ok := strings.Cut(rest, ": ")
	if !ok {
		return 0, msg
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return 0, msg
	}
	if parserProblem(tail) {
		n++
	}
	return n, tail
}

// parserProblem reports whether msg is one of yaml.v3's parser (rather than
// scanner) errors, whose line numbers count from 0.
func parserProblem(msg string) bool {
	switch msg {
	case "did not find expected <stream-start>",
		"did not find expected <document start>",
		"did not find expected node content",
		"did not find expected '-' indicator",
		"did not find expected key",
		"did not find expected ',' or ']'",
		"did not find expected ',' or '}'",
		"found undefined tag handle",
		"found duplicate %YAML directive",
		"found duplicate %TAG directive",
		"found incompatible YAML document":
		return true
	}
	return false
}
