// Package intents classifies player messages into support intents, in
// Russian and English, and decides when a message is out of scope.
//
// A Model is trained at startup from example phrases (ParseYAML reads the
// content bundle's content/intents/<locale>.yaml) in well under a second for
// the default content, with no network and no pretrained model: normalized
// words, snowball stems, five-letter prefixes, stem bigrams and character
// 2–4-grams, weighted by sublinear TF-IDF, feed one-vs-rest squared-hinge
// linear SVMs (dual coordinate descent, as in LIBLINEAR); a temperature and
// a "none of these" score, fitted on held-out examples, turn their scores
// into calibrated probabilities. Text typed on the wrong keyboard layout
// (Russian on QWERTY or English on ЙЦУКЕН) is retyped when the other reading
// is made of known words. Training is deterministic.
//
// A Model is immutable; retraining builds a new one off the turn path and
// flows.Engine swaps it in with the rest of the content (flows.Runtime).
// Evaluate, TrainAndEvaluate and CLINC measure a model; the
// evaluation format is JSONL (ReadJSONL), "oos" marking out-of-scope lines.
package intents
