package render

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestHTMLEscapesEverythingButItsOwnTags(t *testing.T) {
	got := NewHTML().Bold("<b>&").Text(` "x" `).Code("a<b").Line().
		Pre("panic: <nil>").Link("docs", "https://example.org/?a=1&b=2").Link("bad", "javascript:alert(1)").String()
	want := `<b>&lt;b&gt;&amp;</b> &quot;x&quot; <code>a&lt;b</code>` + "\n" +
		`<pre>panic: &lt;nil&gt;</pre><a href="https://example.org/?a=1&amp;b=2">docs</a>bad`
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestSplitKeepsShortTextWhole(t *testing.T) {
	in := NewHTML().Bold("hi").Text(" there").String()
	got := Split(in, MaxMessage)
	if len(got) != 1 || got[0] != in {
		t.Fatalf("got %q", got)
	}
	if got := Split("", MaxMessage); len(got) != 1 || got[0] != "" {
		t.Fatalf("empty: got %q", got)
	}
}

func TestSplitCutsAtNewlinesWithinLimit(t *testing.T) {
	var h HTML
	for i := 0; i < 500; i++ {
		h.Textf("line %03d: some text here", i).Line()
	}
	pieces := Split(h.String(), MaxMessage)
	if len(pieces) < 3 {
		t.Fatalf("want several pieces, got %d", len(pieces))
	}
	if strings.Join(pieces, "") != h.String() {
		t.Fatal("pieces do not add up to the input")
	}
	for i, p := range pieces {
		if n := VisibleLen(p); n > MaxMessage {
			t.Fatalf("piece %d has %d characters", i, n)
		}
		if i < len(pieces)-1 && !strings.HasSuffix(p, "\n") {
			t.Fatalf("piece %d does not end at a newline: %q", i, p[len(p)-20:])
		}
	}
}

func TestSplitClosesAndReopensTags(t *testing.T) {
	in := "<pre>" + strings.Repeat("x", 30) + "</pre>"
	pieces := Split(in, 10)
	if len(pieces) != 3 {
		t.Fatalf("want 3 pieces, got %q", pieces)
	}
	for _, p := range pieces {
		if !strings.HasPrefix(p, "<pre>") || !strings.HasSuffix(p, "</pre>") {
			t.Fatalf("piece not wrapped: %q", p)
		}
		if VisibleLen(p) != 10 {
			t.Fatalf("piece %q has %d characters", p, VisibleLen(p))
		}
	}
}

func TestSplitNeverCutsAnEntityOrCountsItLong(t *testing.T) {
	in := strings.Repeat("&amp;", 8)
	pieces := Split(in, 3)
	if len(pieces) != 3 || pieces[0] != "&amp;&amp;&amp;" || pieces[2] != "&amp;&amp;" {
		t.Fatalf("got %q", pieces)
	}
}

func TestSplitCountsUTF16(t *testing.T) {
	in := strings.Repeat("😀", 5) // 2 UTF-16 units each
	pieces := Split(in, 4)
	if len(pieces) != 3 || pieces[0] != "😀😀" {
		t.Fatalf("got %q", pieces)
	}
}

func TestKeyboardMarshalsOnlyTheActionSet(t *testing.T) {
	kb := Keyboard([][]Button{{{Text: "Ack", CallbackData: "a:1"}, {Text: "Docs", URL: "https://example.org"}}, nil})
	b, err := json.Marshal(kb)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"inline_keyboard":[[{"text":"Ack","callback_data":"a:1"},{"text":"Docs","url":"https://example.org"}]]}`
	if string(b) != want {
		t.Fatalf("got %s", b)
	}
	if Keyboard(nil) != nil || Keyboard([][]Button{{}}) != nil {
		t.Fatal("an empty keyboard must be nil so reply_markup is left out")
	}
}
