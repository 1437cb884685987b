package telegramtest

import (
	"reflect"
	"testing"
)

func TestParseHTMLEntities(t *testing.T) {
	tests := []struct {
		in    string
		plain string
		ents  []entity
	}{
		{"plain", "plain", nil},
		{"<b>bold</b> &amp; <i>it</i>", "bold & it", []entity{{Type: "bold", Offset: 0, Length: 4}, {Type: "italic", Offset: 7, Length: 2}}},
		{"<B>x</B>", "x", []entity{{Type: "bold", Offset: 0, Length: 1}}},
		{"<b><i>x</i></b>", "x", []entity{{Type: "bold", Offset: 0, Length: 1}, {Type: "italic", Offset: 0, Length: 1}}},
		{"😀<u>x</u>", "😀x", []entity{{Type: "underline", Offset: 2, Length: 1}}}, // UTF-16 offsets
		{`<a href="https://e.com/?a=1&amp;b=2">l</a>`, "l", []entity{{Type: "text_link", Offset: 0, Length: 1, URL: "https://e.com/?a=1&b=2"}}},
		{`<pre><code class="language-go">x</code></pre>`, "x", []entity{{Type: "pre", Offset: 0, Length: 1, Language: "go"}}},
		{`<code>c</code>`, "c", []entity{{Type: "code", Offset: 0, Length: 1}}},
		{`<blockquote expandable>q</blockquote>`, "q", []entity{{Type: "expandable_blockquote", Offset: 0, Length: 1}}},
		{`<span class="tg-spoiler">s</span>`, "s", []entity{{Type: "spoiler", Offset: 0, Length: 1}}},
		{`<tg-emoji emoji-id="123">👍</tg-emoji>`, "👍", []entity{{Type: "custom_emoji", Offset: 0, Length: 2, CustomEmojiID: "123"}}},
		{"&lt;&gt;&quot;&#65;&#x42;", `<>"AB`, nil},
		{"<b></b>x", "x", nil}, // empty entities are dropped
		{"<b>x</>", "x", []entity{{Type: "bold", Offset: 0, Length: 1}}},
		{`<a href=Example.COM>l</a>`, "l", []entity{{Type: "text_link", Offset: 0, Length: 1, URL: "example.com"}}}, // name tokens are lower-cased
		{"<a>l</a>", "l", []entity{{Type: "url", Offset: 0, Length: 1}}},
	}
	for _, tc := range tests {
		plain, ents, err := parseHTML(tc.in)
		if err != nil {
			t.Errorf("parseHTML(%q): %v", tc.in, err)
			continue
		}
		if plain != tc.plain || !reflect.DeepEqual(ents, tc.ents) {
			t.Errorf("parseHTML(%q) = %q %+v, want %q %+v", tc.in, plain, ents, tc.plain, tc.ents)
		}
	}
}

func TestParseHTMLErrors(t *testing.T) {
	tests := map[string]string{
		"<foo>":                    `Unsupported start tag "foo" at byte offset 0`,
		"a <":                      "Unclosed start tag at byte offset 2",
		"<b>":                      `Can't find end tag corresponding to start tag "b"`,
		"<b>x</i>":                 `Unmatched end tag at byte offset 4, expected "</b>", found "</i>"`,
		"</b>":                     "Unexpected end tag at byte offset 0",
		"<b>x</b":                  "Unclosed end tag at byte offset 4",
		`<a href=ex!>x</a>`:        "Unexpected end of name token at byte offset 8",
		`<a =x>x</a>`:              `Empty attribute name in the tag "a" at byte offset 0`,
		`<tg-emoji>x</tg-emoji>`:   "Custom emoji entity must contain a valid custom emoji identifier",
		"&#0;":                     `Unescaped "&" at byte offset 0`,
		"&#xD800;":                 `Unescaped "&" at byte offset 0`,
		"x &amp y":                 `Unescaped "&" at byte offset 2`,
		"\xff":                     "Strings must be encoded in UTF-8",
		`<span class="x">s</span>`: `Tag "span" must have class "tg-spoiler" at byte offset 0`,
	}
	for in, want := range tests {
		_, _, err := parseHTML(in)
		if err == nil || err.Error()[:min(len(want), len(err.Error()))] != want {
			t.Errorf("parseHTML(%q) error = %v, want prefix %q", in, err, want)
		}
	}
}
