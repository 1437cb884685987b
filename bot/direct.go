package bot

import "context"

// SendDirect sends html to a chat at once, bypassing the outbox, with the
// usual retries on 429 and 5xx. It is for the one case the outbox cannot
// serve: a page while the store (where the outbox lives) is unreachable.
// Nothing records it, so a caller must make sure it sends such a message
// once.
func (b *Bot) SendDirect(ctx context.Context, chatID, threadID int64, html string) error {
	_, err := b.send.send(ctx, outgoing{ChatID: chatID, ThreadID: int(threadID), HTML: html})
	return err
}
