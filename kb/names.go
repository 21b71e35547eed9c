package kb

import "strings"

// Names reports whether every meaningful term of text (as a search reads
// it) is a word of the article's title or tags, up to an ending or a typo:
// the message names nothing the article is not already about ("но я не
// регистрировался" and the e-mail-in-use article on registration). False
// for a text without meaningful terms and for an unknown article.
func (ix *Index) Names(locale, id, text string) bool {
	e, ok := ix.articles[docID(locale, id)]
	if !ok {
		return false
	}
	terms := ix.queryTerms(locale, text)
	if len(terms) == 0 {
		return false
	}
	words := ix.analyze(locale, e.Title+"\n"+strings.Join(e.Tags, "\n"))
	for _, t := range terms {
		if termScore([]queryTerm{t}, words) == 0 {
			return false
		}
	}
	return true
}

// TitleShares reports whether one meaningful term of text (as a search
// reads it: no stop words or chat filler) is a word of the article's
// title: "what about crypto?" and "Depositing with crypto", not "with".
func (ix *Index) TitleShares(locale, id, text string) bool {
	e, ok := ix.articles[docID(locale, id)]
	if !ok {
		return false
	}
	title := ix.analyze(locale, e.Title)
	for _, t := range ix.queryTerms(locale, text) {
		if termScore([]queryTerm{t}, title) > 0 {
			return true
		}
	}
	return false
}
