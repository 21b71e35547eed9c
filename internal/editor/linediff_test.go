package editor

import "testing"

func TestUnifiedHunks(t *testing.T) {
	a := "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n"
	b := "1\n2\nthree\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n"
	want := "--- a/x\n+++ b/x\n" +
		"@@ -1,6 +1,6 @@\n 1\n 2\n-3\n+three\n 4\n 5\n 6\n" +
		"@@ -13,3 +13,4 @@\n 13\n 14\n 15\n+16\n"
	if got := unified("a/x", "b/x", a, b); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if got := unified("/dev/null", "b/x", "", "a\n"); got != "--- /dev/null\n+++ b/x\n@@ -0,0 +1,1 @@\n+a\n" {
		t.Fatalf("added file:\n%s", got)
	}
	if unified("a", "b", "same\n", "same\n") != "" {
		t.Fatal("equal files differ")
	}
}
