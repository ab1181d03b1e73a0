package openaiapi

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/mozillazg/go-pinyin"

	"reportbot/answer/place"
	"reportbot/knowledge"
)

// AllModel is the model that answers from every loaded report, as the web
// chat and Telegram do.
const AllModel = "reportbot"

// ModelIDs names each report as a model, in the order of docs: its place
// in pinyin and its year (分宜县2023年… is fenyixian-2023). Reports that
// would share a name each get the first six hex digits of their title's
// SHA-256 after it (fenyixian-2023-3f9a1c), so no two share one and none
// is AllModel; a report with no place is named by its file. An ID depends on
// its report alone, unless another report loaded beside it has the same
// place and year.
func ModelIDs(docs []*knowledge.Document) []string {
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = baseID(d.Meta)
	}
	// Titles are unique among loaded reports of one place and year (a
	// report loaded twice is refused); a name still taken is numbered.
	return place.Unique(ids, func(i int) string {
		h := sha256.Sum256([]byte(docs[i].Meta.Title))
		return hex.EncodeToString(h[:3])
	}, AllModel)
}

// baseID is a report's name before it meets the others: its place and year,
// or its file's name.
func baseID(m knowledge.Meta) string {
	id := slug(m.Place + m.Department)
	if id == "" {
		id = slug(strings.TrimSuffix(filepath.Base(m.File), filepath.Ext(m.File)))
	}
	if y := strconv.Itoa(m.Year); m.Year > 0 && !strings.Contains(id, y) {
		id = strings.Trim(id+"-"+y, "-")
	}
	if id == "" {
		return "report"
	}
	return id
}

var pinyinArgs = pinyin.NewArgs()

// placeReadings are the readings characters of several have in place
// names, where go-pinyin, which reads one character at a time, takes
// another: 长沙 changsha, not zhangsha.
var placeReadings = map[rune]string{'长': "chang", '重': "chong", '都': "du", '厦': "xia", '蚌': "beng", '藏': "zang"}

// slug is s in lower-case ASCII: Chinese in pinyin without tones (as
// place names read), each run
// of letters and digits kept, anything else one hyphen.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		var part string
		switch {
		case placeReadings[r] != "":
			part = placeReadings[r]
		case unicode.Is(unicode.Han, r):
			if p := pinyin.LazyPinyin(string(r), pinyinArgs); len(p) == 1 {
				part = p[0]
			}
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			part = string(unicode.ToLower(r))
		}
		if part == "" {
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteString(part)
	}
	return b.String()
}

// cst is the time of the reports' publishers.
var cst = time.FixedZone("CST", 8*3600)

// published is when a report was published, in Unix seconds, from its
// header's date (2025-06-25 15:27), or 0.
func published(m knowledge.Meta) int64 {
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(m.Published), cst); err == nil {
			return t.Unix()
		}
	}
	return 0
}
