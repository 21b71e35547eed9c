package kb

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// EvalCase is one labelled retrieval question: any of Articles answers it.
type EvalCase struct {
	Text     string   `json:"text"`
	Locale   string   `json:"locale"`
	Articles []string `json:"article"`
}

// EvalReport holds the retrieval figures of a labelled set.
type EvalReport struct {
	Cases      int                      `json:"cases"`
	RecallAt1  float64                  `json:"recall_at_1"`
	RecallAt3  float64                  `json:"recall_at_3"`
	MRRAt10    float64                  `json:"mrr_at_10"`
	NoAnswer   float64                  `json:"no_answer"` // share of cases with no article at all
	Misses     []EvalMiss               `json:"misses"`    // cases whose first article is wrong
	PerArticle map[string]ArticleMisses `json:"per_article_misses"`
}

// EvalMiss is a case whose first article was not an acceptable one.
type EvalMiss struct {
	Text   string   `json:"text"`
	Locale string   `json:"locale"`
	Want   []string `json:"want"`
	Got    []string `json:"got"`  // the first three returned
	Rank   int      `json:"rank"` // 1-based rank of the first acceptable article in the top 10; 0 if absent
}

// ArticleMisses counts, for one expected article, how often it was missed.
type ArticleMisses struct {
	Cases  int `json:"cases"`
	Missed int `json:"missed"`
}

// Evaluate runs retrieve on every case and scores the ranked article ids it
// returns: Recall@1, Recall@3 and MRR@10 (the reciprocal rank of the first
// acceptable article within the top ten, 0 when absent).
func Evaluate(ctx context.Context, cases []EvalCase, retrieve func(context.Context, EvalCase) ([]string, error)) (EvalReport, error) {
	rep := EvalReport{Cases: len(cases), Misses: []EvalMiss{}, PerArticle: map[string]ArticleMisses{}}
	if len(cases) == 0 {
		return rep, nil
	}
	var r1, r3, mrr, none float64
	for _, c := range cases {
		got, err := retrieve(ctx, c)
		if err != nil {
			return rep, fmt.Errorf("kb: eval %q: %w", c.Text, err)
		}
		rank := 0
		for i, id := range got[:min(10, len(got))] {
			if slices.Contains(c.Articles, id) {
				rank = i + 1
				break
			}
		}
		if len(got) == 0 {
			none++
		}
		if rank > 0 {
			mrr += 1 / float64(rank)
		}
		if rank == 1 {
			r1++
		} else {
			rep.Misses = append(rep.Misses, EvalMiss{Text: c.Text, Locale: c.Locale, Want: c.Articles, Got: got[:min(3, len(got))], Rank: rank})
		}
		if rank >= 1 && rank <= 3 {
			r3++
		}
		for _, a := range c.Articles[:min(1, len(c.Articles))] {
			m := rep.PerArticle[a]
			m.Cases++
			if rank != 1 {
				m.Missed++
			}
			rep.PerArticle[a] = m
		}
	}
	n := float64(len(cases))
	rep.RecallAt1, rep.RecallAt3, rep.MRRAt10, rep.NoAnswer = r1/n, r3/n, mrr/n, none/n
	return rep, nil
}

// ReadEvalCases reads JSONL lines {"text", "locale", "article"}; "article"
// is one id or a list of acceptable ids.
func ReadEvalCases(r io.Reader) ([]EvalCase, error) {
	var out []EvalCase
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var raw struct {
			Text    string          `json:"text"`
			Locale  string          `json:"locale"`
			Article json.RawMessage `json:"article"`
		}
		if err := json.Unmarshal(line, &raw); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		c := EvalCase{Text: raw.Text, Locale: raw.Locale}
		var one string
		if err := json.Unmarshal(raw.Article, &one); err == nil {
			c.Articles = []string{one}
		} else if err := json.Unmarshal(raw.Article, &c.Articles); err != nil {
			return nil, fmt.Errorf("line %d: article must be an id or a list of ids", n)
		}
		if c.Text == "" || !IsLocale(c.Locale) || len(c.Articles) == 0 {
			return nil, fmt.Errorf("line %d: need text, locale (ru or en) and article", n)
		}
		out = append(out, c)
	}
	return out, sc.Err()
}
