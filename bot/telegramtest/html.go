package telegramtest

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// entity is a MessageEntity as Telegram reports it; offsets and lengths are
// in UTF-16 code units.
type entity struct {
	Type          string `json:"type"`
	Offset        int    `json:"offset"`
	Length        int    `json:"length"`
	URL           string `json:"url,omitempty"`
	Language      string `json:"language,omitempty"`
	CustomEmojiID string `json:"custom_emoji_id,omitempty"`
}

// htmlEntityType maps the tags Telegram's HTML parse mode supports to entity types.
func htmlEntityType(tag string) (string, bool) {
	switch tag {
	case "b", "strong":
		return "bold", true
	case "i", "em":
		return "italic", true
	case "u", "ins":
		return "underline", true
	case "s", "strike", "del":
		return "strikethrough", true
	case "span", "tg-spoiler":
		return "spoiler", true
	case "a":
		return "text_link", true
	case "tg-emoji":
		return "custom_emoji", true
	case "code":
		return "code", true
	case "pre":
		return "pre", true
	case "blockquote":
		return "blockquote", true
	}
	return "", false
}

type openTag struct {
	name       string
	arg        string // href, language, spoiler class, emoji id
	expandable bool
	offset     int // UTF-16 offset where the tag's content starts
	entities   int // len(entities) when the tag opened; nested entities follow
}

// parseHTML parses text in Telegram's HTML parse mode and returns the plain
// text and its entities, or an error worded like Telegram's (the caller adds
// "can't parse entities: "). It follows the algorithm of tdlib's parse_html,
// with one deliberate difference: a bare "&" that does not start one of the
// supported entities is an error here, whereas Telegram keeps it literally;
// such output is almost always an escaping bug.
func parseHTML(text string) (string, []entity, error) {
	var (
		out      strings.Builder
		u16      int // UTF-16 length of out
		stack    []openTag
		entities []entity
	)
	emit := func(r rune) {
		out.WriteRune(r)
		u16 += utf16.RuneLen(r)
	}
	n := len(text)
	at := func(i int) byte { // 0 past the end, like tdlib's NUL-terminated buffer
		if i < n {
			return text[i]
		}
		return 0
	}
	for i := 0; i < n; {
		switch c := text[i]; c {
		case '&':
			r, size, ok := decodeHTMLEntity(text[i:])
			if !ok {
				return "", nil, fmt.Errorf("Unescaped \"&\" at byte offset %d: use &amp;", i)
			}
			emit(r)
			i += size
			continue
		case '<': // a tag; handled below
		default:
			r, size := utf8.DecodeRuneInString(text[i:])
			if r == utf8.RuneError && size == 1 {
				return "", nil, fmt.Errorf("Strings must be encoded in UTF-8")
			}
			emit(r)
			i += size
			continue
		}
		begin := i
		i++
		if at(i) != '/' {
			tag, err := parseStartTag(text, begin, &i, at)
			if err != nil {
				return "", nil, err
			}
			tag.offset, tag.entities = u16, len(entities)
			stack = append(stack, tag)
			continue
		}
		if len(stack) == 0 {
			return "", nil, fmt.Errorf("Unexpected end tag at byte offset %d", begin)
		}
		i++
		nameStart := i
		for i < n && !isHTMLSpace(text[i]) && text[i] != '>' {
			i++
		}
		endName := strings.ToLower(text[nameStart:i])
		for i < n && isHTMLSpace(text[i]) {
			i++
		}
		if at(i) != '>' {
			return "", nil, fmt.Errorf("Unclosed end tag at byte offset %d", begin)
		}
		i++
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if endName != "" && endName != top.name {
			return "", nil, fmt.Errorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", begin, top.name, endName)
		}
		if length := u16 - top.offset; length > 0 {
			entities = closeTag(entities, top, length)
		}
	}
	if len(stack) > 0 {
		return "", nil, fmt.Errorf("Can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1].name)
	}
	return out.String(), entities, nil
}

// parseStartTag reads "<name attr=value ...>" starting at begin; *i points
// just after '<' and is left just after '>'.
func parseStartTag(text string, begin int, i *int, at func(int) byte) (openTag, error) {
	n := len(text)
	for *i < n && !isHTMLSpace(text[*i]) && text[*i] != '>' {
		*i++
	}
	if *i >= n {
		return openTag{}, fmt.Errorf("Unclosed start tag at byte offset %d", begin)
	}
	tag := openTag{name: strings.ToLower(text[begin+1 : *i])}
	if _, ok := htmlEntityType(tag.name); !ok {
		return openTag{}, fmt.Errorf("Unsupported start tag \"%s\" at byte offset %d", tag.name, begin)
	}
	for at(*i) != '>' {
		for *i < n && isHTMLSpace(text[*i]) {
			*i++
		}
		if at(*i) == '>' {
			break
		}
		if *i >= n {
			return openTag{}, fmt.Errorf("Unclosed start tag at byte offset %d", begin)
		}
		nameStart := *i
		for *i < n && !isHTMLSpace(text[*i]) && text[*i] != '=' && text[*i] != '>' {
			*i++
		}
		attr := strings.ToLower(text[nameStart:*i])
		if attr == "" {
			return openTag{}, fmt.Errorf("Empty attribute name in the tag \"%s\" at byte offset %d", tag.name, begin)
		}
		for *i < n && isHTMLSpace(text[*i]) {
			*i++
		}
		if at(*i) != '=' {
			if tag.name == "blockquote" && attr == "expandable" {
				tag.expandable = true
				continue
			}
			if *i >= n {
				return openTag{}, fmt.Errorf("Unclosed start tag at byte offset %d", begin)
			}
			return openTag{}, fmt.Errorf("Expected equal sign in declaration of an attribute of the tag \"%s\" at byte offset %d", tag.name, begin)
		}
		*i++
		for *i < n && isHTMLSpace(text[*i]) {
			*i++
		}
		if *i >= n {
			return openTag{}, fmt.Errorf("Unclosed start tag at byte offset %d", begin)
		}
		var value string
		if q := text[*i]; q != '"' && q != '\'' {
			tokenStart := *i
			for *i < n && (isAlnum(text[*i]) || text[*i] == '.' || text[*i] == '-') {
				*i++
			}
			value = strings.ToLower(text[tokenStart:*i])
			if c := at(*i); !isHTMLSpace(c) && c != '>' {
				return openTag{}, fmt.Errorf("Unexpected end of name token at byte offset %d", tokenStart)
			}
		} else {
			*i++
			var b strings.Builder
			for *i < n && text[*i] != q {
				if text[*i] == '&' {
					if r, size, ok := decodeHTMLEntity(text[*i:]); ok {
						b.WriteRune(r)
						*i += size
						continue
					}
				}
				b.WriteByte(text[*i])
				*i++
			}
			if *i < n {
				*i++
			}
			value = b.String()
		}
		if *i >= n {
			return openTag{}, fmt.Errorf("Unclosed start tag at byte offset %d", begin)
		}
		switch {
		case tag.name == "a" && attr == "href",
			tag.name == "tg-emoji" && attr == "emoji-id":
			tag.arg = value
		case tag.name == "code" && attr == "class" && strings.HasPrefix(value, "language-"):
			tag.arg = strings.TrimPrefix(value, "language-")
		case tag.name == "span" && attr == "class" && strings.HasPrefix(value, "tg-"):
			tag.arg = strings.TrimPrefix(value, "tg-")
		}
		// Telegram ignores other attributes.
	}
	*i++ // '>'
	switch {
	case tag.name == "span" && tag.arg != "spoiler":
		return openTag{}, fmt.Errorf("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", begin)
	case tag.name == "tg-emoji" && !isDigits(tag.arg):
		return openTag{}, fmt.Errorf("Custom emoji entity must contain a valid custom emoji identifier at byte offset %d", begin)
	}
	return tag, nil
}

// closeTag appends the entity for a tag that just closed. A <code
// class="language-x"> directly inside <pre> gives the pre its language
// instead of becoming an entity of its own, as in Telegram.
func closeTag(entities []entity, t openTag, length int) []entity {
	typ, _ := htmlEntityType(t.name)
	e := entity{Type: typ, Offset: t.offset, Length: length}
	switch t.name {
	case "a":
		e.URL = t.arg
		if t.arg == "" {
			e.Type, e.URL = "url", ""
		}
	case "tg-emoji":
		e.CustomEmojiID = t.arg
	case "blockquote":
		if t.expandable {
			e.Type = "expandable_blockquote"
		}
	case "pre":
		// A nested <code class="language-x"> spanning the whole pre was
		// recorded as a code entity right after the pre opened.
		if t.entities < len(entities) {
			c := entities[t.entities]
			if c.Type == "code" && c.Offset == t.offset && c.Length == length && c.Language != "" {
				e.Language = c.Language
				entities = append(entities[:t.entities], entities[t.entities+1:]...)
			}
		}
	case "code":
		e.Language = t.arg
	}
	// Entities are reported sorted by offset; an outer tag closes after its
	// inner tags, so it goes before them.
	entities = append(entities, entity{})
	copy(entities[t.entities+1:], entities[t.entities:])
	entities[t.entities] = e
	return entities
}

// decodeHTMLEntity decodes one of the entities Telegram supports at the
// start of s: &lt; &gt; &amp; &quot; and numeric &#N; / &#xN;.
func decodeHTMLEntity(s string) (rune, int, bool) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 12 {
		return 0, 0, false
	}
	name := s[1:end]
	switch name {
	case "lt":
		return '<', end + 1, true
	case "gt":
		return '>', end + 1, true
	case "amp":
		return '&', end + 1, true
	case "quot":
		return '"', end + 1, true
	}
	num, ok := strings.CutPrefix(name, "#")
	if !ok || num == "" {
		return 0, 0, false
	}
	base := 10
	if hex, ok := strings.CutPrefix(strings.ToLower(num), "x"); ok {
		num, base = hex, 16
	}
	v, err := strconv.ParseUint(num, base, 32)
	if err != nil || v == 0 || v > utf8.MaxRune || (v >= 0xD800 && v <= 0xDFFF) {
		return 0, 0, false
	}
	return rune(v), end + 1, true
}

func isHTMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
