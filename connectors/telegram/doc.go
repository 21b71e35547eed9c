// Package telegram is Switchboard's Telegram connector on
// github.com/go-telegram/bot, the only package that imports it (models.Update
// never leaves it).
//
// Sending. Render turns the content's light Markdown into Telegram HTML and
// Escape makes any other text (a player's) inert; Split cuts a rendered text
// into parts of at most SplitUnits visible UTF-16 code units at paragraph,
// line, sentence or word boundaries, closing and reopening spans it cuts.
// NewKeyboard lays out buttons as an inline keyboard; a payload over 64 bytes
// (or starting with "b:") travels as "b:<messageID>:<i>", which ButtonKey
// parses back to the stored message's i-th button. A Sender sends one part
// at a time to a chat through the Client under a Pacer (≤ 1 message/s per
// chat after a burst of 3, ≤ 25/s overall, and nothing to a chat before a
// 429's retry_after) and returns an Outcome from Classify: Sent, Retry (after
// RetryAfter, or after a Backoff delay: capped exponential, full jitter),
// Blocked (403: stop the chat's deliveries) or Permanent (400). SendText
// resends a part once as plain text when Telegram cannot parse its HTML.
// The caller keeps the order: one part after the other, per chat.
//
// Receiving. ParseUpdate reads a webhook body or a getUpdates entry into an
// Update (update_id and raw JSON, to store and deduplicate); Decode turns a
// stored one into an Inbound (text, callback, non-text, other; chat, user,
// private or not). SecretOK checks X-Telegram-Bot-Api-Secret-Token in
// constant time. Client.GetUpdates long-polls from an offset the caller
// advances only past stored updates. The library's own webhook handler and
// poller are not used: they acknowledge updates before they are stored.
//
// Errors from a Client never contain the token. Time comes from a Clock, so
// tests (with telegramtest, a fake Bot API, and its manual Clock) never
// sleep.
package telegram
