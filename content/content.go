// Package content embeds the default content bundle (Northwind Casino, ru
// and en): settings, intent examples, flows and knowledge-base articles.
// Editors change it through the web editor or as files (see STYLE.md).
package content

import "embed"

// FS holds the default bundle with paths relative to this directory.
//
//go:embed settings.yaml intents flows kb STYLE.md
var FS embed.FS
