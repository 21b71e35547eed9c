package intents

import "testing"

func BenchmarkTrainCLINC(b *testing.B) {
	s, err := readCLINC(clincPath)
	if err != nil {
		b.Skip(err)
	}
	for b.Loop() {
		if _, err := Train(s.train, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClassify classifies CLINC150 val utterances with a model trained
// on CLINC150 train (or the small fixture when the file is missing).
func BenchmarkClassify(b *testing.B) {
	var m *Model
	var texts []string
	if s, err := readCLINC(clincPath); err == nil {
		if m, err = Train(s.train, Options{}); err != nil {
			b.Fatal(err)
		}
		for _, e := range s.val {
			texts = append(texts, e.Text)
		}
	} else {
		if m, err = Train(fixture(), Options{}); err != nil {
			b.Fatal(err)
		}
		for _, e := range fixture() {
			texts = append(texts, e.Text)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		m.Classify(texts[i%len(texts)])
		i++
	}
}
