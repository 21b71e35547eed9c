package conversation_test

// defaultScenarios walks every default flow, in English and Russian, with
// phrasings that are not in the training examples.
func defaultScenarios() []scenario {
	helpfulEN := []string{"Yes, thanks", "Talk to a person"}
	helpfulRU := []string{"Да, спасибо", "Связаться с оператором"}
	return []scenario{
		{"greeting", "en", []struct {
			msg string
			exp expect
		}{
			turn("hey there", expect{intent: "greeting", say: "Hi Ann!", waiting: "greeting/topics",
				buttons: []string{"Deposit", "Withdrawal", "Bonuses", "Verification", "Talk to a person"}}),
			turn("deposit", expect{anyOfArt: []string{"deposit-methods", "deposit-limits-and-fees", "deposit-not-credited"}, waiting: "deposit/helpful"}),
			turn("yes", expect{say: "Enjoy your game", waiting: "-"}),
		}},
		{"greeting", "ru", []struct {
			msg string
			exp expect
		}{
			turn("добрый день", expect{intent: "greeting", say: "Здравствуйте, Анна!", waiting: "greeting/topics"}),
			turn("Вывод средств", expect{anyOfArt: []string{"withdrawal-how-to", "withdrawal-times"}, waiting: "withdrawal/helpful"}),
		}},
		{"goodbye", "en", []struct {
			msg string
			exp expect
		}{turn("ok bye for now", expect{intent: "goodbye", say: "Goodbye, Ann!", waiting: "-"})}},
		{"goodbye", "ru", []struct {
			msg string
			exp expect
		}{turn("всего доброго", expect{intent: "goodbye", say: "До свидания, Анна!", waiting: "-"})}},
		{"thanks", "en", []struct {
			msg string
			exp expect
		}{turn("thanks a lot mate", expect{intent: "thanks", say: "You're welcome", waiting: "-"})}},
		{"thanks", "ru", []struct {
			msg string
			exp expect
		}{turn("спасибо большое", expect{intent: "thanks", say: "Пожалуйста", waiting: "-"})}},
		{"registration", "en", []struct {
			msg string
			exp expect
		}{
			turn("how can i open an account here", expect{intent: "registration", anyOfArt: []string{"registration-how-to", "registration-age"},
				waiting: "registration/helpful", buttons: []string{"Yes, thanks", "I still can't register"}}),
			turn("I still can't register", expect{handoff: "technical/normal", waiting: "-"}),
			turn("hello? anyone?", expect{silent: true}),
		}},
		{"registration", "ru", []struct {
			msg string
			exp expect
		}{
			turn("как зарегистрироваться на сайте", expect{intent: "registration", anyOfArt: []string{"registration-how-to"}, waiting: "registration/helpful"}),
			turn("да", expect{say: "Удачной игры", waiting: "-"}),
		}},
		{"deposit", "en", []struct {
			msg string
			exp expect
		}{
			turn("i topped up with my card but balance is still zero", expect{intent: "deposit", anyOfArt: []string{"deposit-not-credited"},
				waiting: "deposit/problem_help", buttons: []string{"Yes, it's there", "No, pass it to payments"}}),
			turn("No, pass it to payments", expect{say: "How much did you deposit?", waiting: "deposit/amount"}),
			turn("fifty", expect{say: "Please send just the amount", waiting: "deposit/amount"}),
			turn("50 eur", expect{say: "Which method did you use?", waiting: "deposit/method",
				buttons: []string{"Card", "E-wallet", "Bank transfer", "Crypto"}}),
			turn("Crypto", expect{say: "2 network confirmations", handoff: "payments/high", waiting: "-"}),
		}},
		{"deposit", "ru", []struct {
			msg string
			exp expect
		}{
			turn("пополнил счёт а деньги не пришли", expect{intent: "deposit", anyOfArt: []string{"deposit-not-credited"}, waiting: "deposit/problem_help"}),
			turn("Нет, передайте платёжной команде", expect{say: "На какую сумму", waiting: "deposit/amount"}),
			turn("1 000", expect{waiting: "deposit/method"}),
			turn("Карта", expect{say: "платёжной команде", handoff: "payments/high", waiting: "-"}),
		}},
		{"withdrawal", "en", []struct {
			msg string
			exp expect
		}{
			turn("how long until my payout arrives", expect{intent: "withdrawal", anyOfArt: []string{"withdrawal-times", "withdrawal-pending-status"}, waiting: "withdrawal/helpful"}),
			turn("My withdrawal is late or rejected", expect{say: "not verified yet", article: "verification-documents", handoff: "payments/high", waiting: "-"}),
		}},
		{"withdrawal", "ru", []struct {
			msg string
			exp expect
		}{
			turn("как вывести выигрыш на карту", expect{intent: "withdrawal", anyOfArt: []string{"withdrawal-how-to", "withdrawal-same-method-rule"}, waiting: "withdrawal/helpful"}),
			turn("Связаться с оператором", expect{handoff: "payments/normal"}),
		}},
		{"password_reset", "en", []struct {
			msg string
			exp expect
		}{
			turn("i forgot my password", expect{intent: "password_reset", article: "password-reset", waiting: "password_reset/helpful"}),
			turn("The reset link doesn't arrive", expect{say: "Spam", handoff: "technical/normal"}),
		}},
		{"password_reset", "ru", []struct {
			msg string
			exp expect
		}{
			turn("не помню пароль от аккаунта", expect{intent: "password_reset", article: "password-reset", waiting: "password_reset/helpful"}),
			turn("Да, спасибо", expect{say: "Храните новый пароль", waiting: "-"}),
		}},
		{"login_problem", "en", []struct {
			msg string
			exp expect
		}{
			turn("cant get into my account after changing phone", expect{intent: "login_problem", waiting: "login_problem/helpful"}),
			turn("My account is blocked", expect{say: "security team", handoff: "verification/critical"}),
		}},
		{"login_problem", "ru", []struct {
			msg string
			exp expect
		}{
			turn("аккаунт заблокировали после входа с нового телефона", expect{intent: "login_problem", waiting: "login_problem/problem_help"}),
			turn("Всё равно не могу войти", expect{handoff: "verification/critical"}),
		}},
		{"verification", "en", []struct {
			msg string
			exp expect
		}{
			turn("which documents do you need for kyc", expect{intent: "verification", anyOfArt: []string{"verification-documents", "verification-why"}, waiting: "verification/helpful",
				buttons: []string{"Yes, thanks", "Documents rejected or stuck", "Talk to a person"}}),
			turn("Documents rejected or stuck", expect{handoff: "verification/normal"}),
		}},
		{"verification", "ru", []struct {
			msg string
			exp expect
		}{
			turn("сколько длится проверка документов", expect{intent: "verification", anyOfArt: []string{"verification-status-and-times", "verification-documents"}, waiting: "verification/helpful"}),
			turn("да спасибо", expect{say: "до 24 часов", waiting: "-"}),
		}},
		{"bonus_activation", "en", []struct {
			msg string
			exp expect
		}{
			turn("where do i enter a promo code", expect{intent: "bonus_activation", article: "bonus-promo-code", waiting: "bonus_activation/helpful"}),
			turn("My bonus is missing", expect{say: "Which promo code", waiting: "bonus_activation/code"}),
			turn("not sure what you mean by that", expect{say: "3–32 letters", waiting: "bonus_activation/code"}),
			turn("WELCOME100", expect{handoff: "bonuses/normal"}),
		}},
		{"bonus_activation", "ru", []struct {
			msg string
			exp expect
		}{
			turn("как отыграть бонус", expect{intent: "bonus_activation", article: "bonus-wagering-requirements", waiting: "bonus_activation/helpful"}),
			turn("Связаться с оператором", expect{handoff: "bonuses/normal"}),
		}},
		{"responsible_gaming", "en", []struct {
			msg string
			exp expect
		}{turn("please close my account i cant stop gambling", expect{intent: "gambling_harm", say: "responsible-gaming specialist", handoff: "responsible_gaming/critical"})}},
		{"responsible_gaming", "ru", []struct {
			msg string
			exp expect
		}{turn("хочу самоисключиться на полгода", expect{intent: "gambling_harm", say: "ответственной игре", handoff: "responsible_gaming/critical"})}},
		{"complaint", "en", []struct {
			msg string
			exp expect
		}{turn("your slots are rigged you stole my money", expect{intent: "complaint", say: "complaint", handoff: "general/high"})}},
		{"complaint", "ru", []struct {
			msg string
			exp expect
		}{turn("вы мошенники верните мои деньги", expect{intent: "complaint", say: "жалобу", handoff: "general/high"})}},
		{"human", "en", []struct {
			msg string
			exp expect
		}{
			turn("can i speak to a real person please", expect{intent: "human", say: "a specialist will reply here", handoff: "general/high"}),
			turn("hello?", expect{silent: true}),
		}},
		{"human", "ru", []struct {
			msg string
			exp expect
		}{turn("позовите живого оператора", expect{intent: "human", say: "специалист ответит здесь", handoff: "general/high"})}},
		{"out_of_scope", "en", []struct {
			msg string
			exp expect
		}{
			turn("what's the weather like in paris tomorrow", expect{say: "only good at Northwind Casino", waiting: "out_of_scope/smalltalk",
				buttons: []string{"Deposit", "Withdrawal", "Bonuses", "Login and password", "Verification"}}),
			turn("can i change my nickname", expect{say: "couldn't find an answer", waiting: "out_of_scope/offer_human",
				buttons: []string{"Yes, please", "No, I'll rephrase"}}),
			turn("No, I'll rephrase", expect{say: "other words", waiting: "-"}),
			turn("is northwind casino licensed", expect{article: "licence-and-regulation", waiting: "out_of_scope/helpful", buttons: helpfulEN}),
			turn("Talk to a person", expect{handoff: "general/normal"}),
		}},
		{"out_of_scope", "ru", []struct {
			msg string
			exp expect
		}{
			turn("рецепт борща", expect{say: "умею отвечать только на вопросы об аккаунте", waiting: "out_of_scope/smalltalk"}),
			turn("можно ли сменить ник в казино", expect{say: "не нашёл ответа", waiting: "out_of_scope/offer_human"}),
			turn("да", expect{handoff: "general/normal"}),
		}},
		{"out_of_scope_article", "ru", []struct {
			msg string
			exp expect
		}{
			turn("есть ли у вас лицензия", expect{article: "licence-and-regulation", waiting: "out_of_scope/helpful", buttons: helpfulRU}),
		}},
	}
}
