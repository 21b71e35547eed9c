package editor

import "testing"

// A message becomes one line of content without the player's contacts.
func TestInboxExampleText(t *testing.T) {
	got := inboxExampleText("my mail anna.k@example.com\tchanged,\nphone +44 7700 900123 too")
	if got != "my mail a***@example.com changed, phone +** **** ****23 too" {
		t.Fatalf("got %q", got)
	}
}
