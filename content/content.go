// Package content embeds the default content bundle (Northwind Casino, ru
// and en): settings, intent examples, flows, knowledge-base articles and
// conversation tests.
// Editors change it through the web editor or as files (see STYLE.md).
package content

import "embed"

// FS holds the default bundle with paths relative to this directory.
//
//go:embed settings.yaml intents flows kb tests STYLE.md
var FS embed.FS
