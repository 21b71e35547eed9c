package intents

// clincPath is CLINC150's data_full.json relative to the package directory.
const clincPath = "../../shared/data/clinc150/data_full.json"

// tuneGrid is the last round of the hyper-parameter search that set the
// defaults of Options. Every setting trained on CLINC150 train+oos_train,
// chose its threshold on val+oos_val and was judged on val+oos_val only:
// accuracy over 151 classes at that threshold, in-scope accuracy, oos recall,
// the AUROC of in-scope versus out-of-scope by confidence (steadier than a
// recall over 100 examples), and the same once more trained without
// oos_train (so that memorising oos_train topics earns nothing).
//
// Rounds, in order (val acc / in-scope / oos recall / AUROC):
//   - features: sublinear TF-IDF with per-block L2 norms beat raw counts;
//     character 2–4-grams ≈ 2–5-grams (.9248/.9330/.68 against .9239/.9337/.63)
//     and cheaper; MinDF 1, word weight .3/.7, skip-bigrams, cross-word
//     n-grams, an unknown-word-ratio feature: within ±0.3 points; dropping
//     the character n-grams of unknown words: −1 point.
//   - word prefixes (5 letters) and the "unknown word" feature: small gains,
//     and what ties "пополнение" to "пополнить".
//   - SVM: C 2 and PositiveWeight 3 (.9277/.9377/.63/.9656) over C 1 and
//     PositiveWeight 1 (.9213/.9310/.63); OOSWeight 3 ≈ 1 ≈ 6; a heavier cost
//     for oos examples as negatives of in-scope classes: no change.
//   - calibration: leave-one-out approximations of decision values were far
//     too pessimistic (66% accuracy on train against 91% on val), so a
//     held-out fifth is scored by a first model instead; an implicit
//     "none of these" class left val accuracy unchanged and is what makes
//     confidences low for unrelated text when there is no oos class.
//   - ensembles (words+chars, three views) and k-NN similarity or the
//     unknown-word ratio as extra confidence factors: no gain.
//   - dilution by unexplained words (Options.Dilution): AUROC .9656 → .9701,
//     and without oos_train .9587 → .9673; 1, 1.5 and 2 alike on val, 1
//     chosen as the mildest (small content sets have many unseen words).
//   - SpellCorrect: −0.3 points accuracy, −3 to −5 points oos recall.
//
// The test split was read three times, only to report: after the prefix
// round (in-scope .9229, oos recall .513), after the SVM round (oos recall
// .478, by a test run that was not meant to include it) and with the final
// defaults (.9247, .559). The dilution round that
// came after the second reading was chosen on the val criteria above.
func tuneGrid() []Options {
	return []Options{
		{},
		{Dilution: -1},
		{Dilution: 1.5},
		{PositiveWeight: 1},
		{C: 1},
		{CharMax: 5},
		{SpellCorrect: true},
	}
}
