package telegramtest

import (
	"fmt"
	"html"
	"strings"
	"unicode/utf16"
)

// tags Telegram's HTML parse mode accepts.
var tags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true, "s": true,
	"strike": true, "del": true, "code": true, "pre": true, "a": true, "span": true,
	"tg-spoiler": true, "tg-emoji": true, "blockquote": true,
}

// parseHTML checks text as Telegram's HTML parse mode does and returns the
// visible text; errors use Telegram's wording.
func parseHTML(text string) (string, error) {
	var out strings.Builder
	var stack []string
	for i := 0; i < len(text); {
		switch text[i] {
		case '<':
			j := strings.IndexByte(text[i:], '>')
			if j < 0 {
				return "", fmt.Errorf("unclosed start tag at byte offset %d", i)
			}
			tag := text[i+1 : i+j]
			if name, ok := strings.CutPrefix(tag, "/"); ok {
				if len(stack) == 0 || stack[len(stack)-1] != strings.TrimSpace(name) {
					return "", fmt.Errorf("unexpected end tag at byte offset %d", i)
				}
				stack = stack[:len(stack)-1]
			} else {
				name := strings.ToLower(strings.Fields(tag + " ")[0])
				if !tags[name] {
					return "", fmt.Errorf("unsupported start tag %q at byte offset %d", name, i)
				}
				if name == "a" && !strings.Contains(tag, `href="`) {
					return "", fmt.Errorf("a tag without href at byte offset %d", i)
				}
				stack = append(stack, name)
			}
			i += j + 1
		case '>':
			return "", fmt.Errorf("character '>' is reserved and must be escaped at byte offset %d", i)
		case '&':
			j := strings.IndexByte(text[i:], ';')
			if j < 2 || j > 10 {
				return "", fmt.Errorf("character '&' is reserved and must be escaped at byte offset %d", i)
			}
			ent := text[i : i+j+1]
			dec := html.UnescapeString(ent)
			if dec == ent {
				return "", fmt.Errorf("unsupported HTML entity %q at byte offset %d", ent, i)
			}
			out.WriteString(dec)
			i += j + 1
		default:
			out.WriteByte(text[i])
			i++
		}
	}
	if len(stack) > 0 {
		return "", fmt.Errorf("can't find end tag corresponding to start tag %q", stack[len(stack)-1])
	}
	return out.String(), nil
}

// Visible is the text Telegram shows for an HTML message (tags removed,
// entities decoded); the HTML must be valid.
func Visible(htmlText string) (string, error) { return parseHTML(htmlText) }

// UTF16Len counts s in UTF-16 code units, as Telegram counts lengths.
func UTF16Len(s string) int { return len(utf16.Encode([]rune(s))) }
