package exports

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"reportbot/answer/reply"
	"reportbot/feedback"
)

// Formats an export is written in.
const (
	FormatJSONL = "jsonl" // one JSON object a line
	FormatJSON  = "json"  // one JSON array
	FormatCSV   = "csv"   // for a spreadsheet: a byte-order mark, then a header
)

// Log is where the questions answered are read from, oldest first: memory's
// log in Redis.
type Log interface {
	Log(ctx context.Context, since time.Time, each func(feedback.Asked) error) error
}

// ErrNoSalt is returned for an export of conversations without a salt: its
// identities would not be hashed with a secret, and could be found again by
// hashing the likely ones.
var ErrNoSalt = errors.New("no salt to hash identities with")

// Conversation is one answered question as an export gives it: the
// conversation and the asker named by their pseudonyms (Pseudonym), never
// by their IDs.
type Conversation struct {
	Time         time.Time        `json:"time"`
	Channel      string           `json:"channel"`
	Conversation string           `json:"conversation"`
	User         string           `json:"user"` // "" when the channel named no one
	Question     string           `json:"question"`
	Mode         reply.Mode       `json:"mode"`
	Found        bool             `json:"found"`
	Citations    []reply.Citation `json:"citations"`
	Up           int              `json:"up"` // 👍 on the answer
	Down         int              `json:"down"`
}

// conversationColumns are the CSV columns of an export of conversations.
var conversationColumns = []string{"time", "channel", "conversation", "user", "question", "mode", "found", "sections", "citations", "up", "down"}

// china is the zone an export's times are given in: the reports' own.
var china = time.FixedZone("CST", 8*60*60)

// Pseudonym is what an export calls an identity: the hex of its
// HMAC-SHA256 under salt, the same for one salt, another for another, and
// no way back to the identity without the salt; "" for none.
func Pseudonym(salt []byte, id string) string {
	if id == "" {
		return ""
	}
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil))
}

// Conversations writes to w, in format (FormatJSONL or FormatCSV), every
// question log holds that was answered at since or later, oldest first, its
// conversation and asker hashed with salt, and returns how many it wrote.
// It streams: it holds one page of the log at a time.
func Conversations(ctx context.Context, log Log, since time.Time, format string, salt []byte, w io.Writer) (int, error) {
	if len(salt) == 0 {
		return 0, ErrNoSalt
	}
	bw := bufio.NewWriter(w)
	var write func(Conversation) error
	flush := bw.Flush
	switch format {
	case FormatJSONL:
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		write = func(c Conversation) error { return enc.Encode(c) }
	case FormatCSV:
		bw.WriteString("\ufeff")
		cw := csv.NewWriter(bw)
		cw.Write(conversationColumns)
		write = func(c Conversation) error { return cw.Write(conversationRow(c)) }
		flush = func() error {
			cw.Flush()
			return errors.Join(cw.Error(), bw.Flush())
		}
	default:
		return 0, fmt.Errorf("format %q: expected %s or %s", format, FormatJSONL, FormatCSV)
	}
	n := 0
	err := log.Log(ctx, since, func(a feedback.Asked) error {
		if err := write(conversationOf(a, salt)); err != nil {
			return err
		}
		n++
		return nil
	})
	// What was read before a failure is written: whole records, then the
	// error, which the caller reports.
	return n, errors.Join(err, flush())
}

func conversationOf(a feedback.Asked, salt []byte) Conversation {
	cits := a.Citations
	if cits == nil {
		cits = []reply.Citation{}
	}
	return Conversation{Time: a.At.In(china), Channel: a.Channel, Conversation: Pseudonym(salt, a.Conv), User: Pseudonym(salt, a.User),
		Question: a.Question, Mode: a.Mode, Found: a.Found, Citations: cits, Up: a.Up, Down: a.Down}
}

func conversationRow(c Conversation) []string {
	sections := make([]string, len(c.Citations))
	for i, x := range c.Citations {
		sections[i] = x.Section
	}
	cits, _ := json.Marshal(c.Citations) // strings alone: never fails
	return []string{c.Time.Format(time.RFC3339), c.Channel, c.Conversation, c.User, inert(c.Question), string(c.Mode),
		strconv.FormatBool(c.Found), strings.Join(sections, " "), string(cits), strconv.Itoa(c.Up), strconv.Itoa(c.Down)}
}

// inert keeps a resident's words a text in a spreadsheet: one that opens
// with =, +, -, @ or a control character would be read as a formula, and
// is opened with an apostrophe instead.
func inert(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
