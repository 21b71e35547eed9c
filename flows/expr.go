package flows

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// expr is a condition: comparisons joined by "and"/"or" ("and" binds
// tighter), each "operand [op operand]" with op one of == != < <= > >=.
// An operand is a variable (player.verified, slots.amount, locale, …), a
// quoted string or a number. A lone variable is true when set and not
// "false" or "0". Numbers compare numerically when both sides parse.
type expr struct {
	or  [][]comparison // or of ands
	src string
}

type comparison struct {
	left, right operand
	op          string // "" for a lone operand
}

type operand struct {
	variable string // set for a variable
	literal  string
}

func (o operand) value(v Vars) string {
	if o.variable != "" {
		return v.Lookup(o.variable)
	}
	return o.literal
}

func (e *expr) eval(v Vars) bool {
	for _, conj := range e.or {
		all := true
		for _, c := range conj {
			if !c.eval(v) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

func (c comparison) eval(v Vars) bool {
	l := c.left.value(v)
	if c.op == "" {
		return l != "" && l != "false" && l != "0"
	}
	r := c.right.value(v)
	lf, lerr := strconv.ParseFloat(l, 64)
	rf, rerr := strconv.ParseFloat(r, 64)
	numeric := lerr == nil && rerr == nil
	switch c.op {
	case "==":
		if numeric {
			return lf == rf
		}
		return l == r
	case "!=":
		if numeric {
			return lf != rf
		}
		return l != r
	}
	if !numeric {
		return false
	}
	switch c.op {
	case "<":
		return lf < rf
	case "<=":
		return lf <= rf
	case ">":
		return lf > rf
	case ">=":
		return lf >= rf
	}
	return false
}

// parseExpr parses a condition; variables are checked with checkVar.
func parseExpr(src string, slots map[string]bool) (*expr, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("empty condition")
	}
	e := &expr{src: src}
	var conj []comparison
	for i := 0; i < len(toks); {
		left, err := parseOperand(toks[i], slots)
		if err != nil {
			return nil, err
		}
		c := comparison{left: left}
		i++
		if i < len(toks) && isOp(toks[i]) {
			if i+1 >= len(toks) {
				return nil, fmt.Errorf("%q needs a right-hand side", toks[i])
			}
			c.op = toks[i]
			if c.right, err = parseOperand(toks[i+1], slots); err != nil {
				return nil, err
			}
			i += 2
		}
		conj = append(conj, c)
		if i == len(toks) {
			break
		}
		switch toks[i] {
		case "and":
		case "or":
			e.or = append(e.or, conj)
			conj = nil
		default:
			return nil, fmt.Errorf("expected and/or, got %q", toks[i])
		}
		i++
		if i == len(toks) {
			return nil, fmt.Errorf("condition ends with %q", toks[i-1])
		}
	}
	e.or = append(e.or, conj)
	return e, nil
}

func isOp(t string) bool {
	switch t {
	case "==", "!=", "<", "<=", ">", ">=":
		return true
	}
	return false
}

func parseOperand(tok string, slots map[string]bool) (operand, error) {
	if strings.HasPrefix(tok, `"`) {
		s, err := strconv.Unquote(tok)
		if err != nil {
			return operand{}, fmt.Errorf("bad string %s", tok)
		}
		return operand{literal: s}, nil
	}
	if _, err := strconv.ParseFloat(tok, 64); err == nil {
		return operand{literal: tok}, nil
	}
	if isOp(tok) || tok == "and" || tok == "or" {
		return operand{}, fmt.Errorf("expected a value, got %q", tok)
	}
	if msg := checkVar(tok, slots); msg != "" {
		return operand{}, fmt.Errorf("%s", msg)
	}
	return operand{variable: tok}, nil
}

func tokenize(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated string in %q", s)
			}
			toks = append(toks, s[i:j+1])
			i = j + 1
		case strings.ContainsRune("=!<>", rune(c)):
			j := i + 1
			if j < len(s) && s[j] == '=' {
				j++
			}
			op := s[i:j]
			if !isOp(op) {
				return nil, fmt.Errorf("unknown operator %q (use == != < <= > >=)", op)
			}
			toks = append(toks, op)
			i = j
		default:
			j := i
			for j < len(s) && (s[j] == '.' || s[j] == '_' || s[j] == '-' || unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j]))) {
				j++
			}
			if j == i {
				return nil, fmt.Errorf("unexpected %q in condition", string(c))
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}
