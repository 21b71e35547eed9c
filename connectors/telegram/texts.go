package telegram

import "strings"

// texts are what the connector itself says (the bot's answers come from the
// content bundle).
type texts struct {
	linkFirst, linked, badCode, welcome, unlinked, groups, textOnly, tooLong, unreadable string
}

var textsByLang = map[string]texts{
	"en": {
		linkFirst:  "Hi! This chat is for Northwind Casino players. To use it, log in on the site, open the support chat and press \"Continue in Telegram\" — the link connects this Telegram account to your casino account.",
		linked:     "Done: this Telegram account is linked to your casino account. Ask me anything — your conversation continues here. To unlink, send /unlink.",
		badCode:    "This link has expired or was already used. Log in on the site, open the support chat and press \"Continue in Telegram\" again to get a new one (it works for 10 minutes).",
		welcome:    "Hi again! Write your question and I'll help. To unlink this Telegram account, send /unlink.",
		unlinked:   "This Telegram account is no longer linked to your casino account. You can link it again from the support chat on the site.",
		groups:     "Sorry, I only chat one-to-one with players, not in groups. Please write to me in a private chat.",
		textOnly:   "Sorry, I can only read text messages for now. Please describe it in words — and if we need a document, we'll tell you where to upload it safely.",
		tooLong:    "That message is too long for me to read. Please send it in shorter parts.",
		unreadable: "Sorry, I couldn't read that message. Please write it again in plain text.",
	},
	"ru": {
		linkFirst:  "Здравствуйте! Этот чат — для игроков Northwind Casino. Чтобы им пользоваться, войдите на сайте, откройте чат поддержки и нажмите «Продолжить в Telegram» — ссылка свяжет этот аккаунт Telegram с вашим игровым аккаунтом.",
		linked:     "Готово: этот аккаунт Telegram привязан к вашему игровому аккаунту. Задавайте вопросы — переписка продолжается здесь. Чтобы отвязать аккаунт, отправьте /unlink.",
		badCode:    "Эта ссылка устарела или уже использована. Войдите на сайте, откройте чат поддержки и снова нажмите «Продолжить в Telegram», чтобы получить новую (она действует 10 минут).",
		welcome:    "Снова здравствуйте! Напишите ваш вопрос — я помогу. Чтобы отвязать этот аккаунт Telegram, отправьте /unlink.",
		unlinked:   "Этот аккаунт Telegram больше не привязан к вашему игровому аккаунту. Привязать его снова можно из чата поддержки на сайте.",
		groups:     "Извините, я общаюсь с игроками только в личных сообщениях, не в группах. Напишите мне, пожалуйста, в личный чат.",
		textOnly:   "Извините, пока я читаю только текстовые сообщения. Опишите, пожалуйста, словами — а если понадобится документ, мы подскажем, куда его безопасно загрузить.",
		tooLong:    "Это сообщение слишком длинное. Пожалуйста, отправьте его частями.",
		unreadable: "Извините, не удалось прочитать это сообщение. Напишите его ещё раз обычным текстом.",
	},
}

// textsFor picks the language of a Telegram language code or a locale:
// Russian for ru (and the languages of players who mostly read it), else
// English.
func textsFor(lang string) texts {
	lang = strings.ToLower(lang)
	for _, ru := range []string{"ru", "uk", "be", "kk"} {
		if lang == ru || strings.HasPrefix(lang, ru+"-") {
			return textsByLang["ru"]
		}
	}
	return textsByLang["en"]
}
