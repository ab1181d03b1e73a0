package openaiapi

import (
	"slices"
	"testing"

	"reportbot/knowledge"
)

func doc(m knowledge.Meta) *knowledge.Document { return &knowledge.Document{Meta: m} }

func TestModelIDs(t *testing.T) {
	fenyi := knowledge.Meta{Title: "分宜县2023年法治政府建设年度报告", Place: "分宜县", Year: 2023, File: "reports/fenyi.txt"}
	for _, tt := range []struct {
		name string
		docs []knowledge.Meta
		want []string
	}{
		{"place and year", []knowledge.Meta{fenyi}, []string{"fenyixian-2023"}},
		{"places of two levels", []knowledge.Meta{{Title: "新余市渝水区2024年…", Place: "新余市渝水区", Year: 2024}}, []string{"xinyushiyushuiqu-2024"}},
		{"a county and a city of one name, read as place names are", []knowledge.Meta{{Title: "长沙县2024年…", Place: "长沙县", Year: 2024},
			{Title: "长沙市2024年…", Place: "长沙市", Year: 2024}, {Title: "重庆市2024年…", Place: "重庆市", Year: 2024}},
			[]string{"changshaxian-2024", "changshashi-2024", "chongqingshi-2024"}},
		{"another year", []knowledge.Meta{fenyi, {Title: "分宜县2024年法治政府建设年度报告", Place: "分宜县", Year: 2024}}, []string{"fenyixian-2023", "fenyixian-2024"}},
		{"no place: the file", []knowledge.Meta{{Title: "法治政府建设年度报告", File: "/data/My Report_2023.html", Year: 2023}}, []string{"my-report-2023"}},
		{"no place, no year", []knowledge.Meta{{Title: "报告", File: "a.txt"}}, []string{"a"}},
		{"nothing", []knowledge.Meta{{Title: "报告", File: "报.txt"}, {Title: "报告二", File: "---.txt"}}, []string{"bao", "report"}},
		{"the all model's name", []knowledge.Meta{{Title: "x", File: "reportbot.txt"}}, []string{"reportbot-2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"[:16]}},
		{"same place and year", []knowledge.Meta{fenyi, {Title: "分宜县2023年政府工作报告", Place: "分宜县", Year: 2023}}, []string{"fenyixian-2023-", "fenyixian-2023-"}},
		{"same file name", []knowledge.Meta{{Title: "甲", File: "a/r.txt"}, {Title: "甲", File: "b/r.txt"}}, []string{"r-", "r-"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var docs []*knowledge.Document
			for _, m := range tt.docs {
				docs = append(docs, doc(m))
			}
			ids := ModelIDs(docs)
			for i, id := range ids {
				if want := tt.want[i]; id != want && !(want[len(want)-1] == '-' && len(id) > len(want) && id[:len(want)] == want) {
					t.Errorf("ID %d: %q, want %q", i, id, want)
				}
				if id == AllModel || slices.Contains(ids[:i], id) {
					t.Errorf("ID %q is taken", id)
				}
			}
			if again := ModelIDs(docs); !slices.Equal(again, ids) {
				t.Errorf("not stable: %q then %q", ids, again)
			}
		})
	}
	// An ID stays as the report's place and year say, whatever else is loaded.
	a := ModelIDs([]*knowledge.Document{doc(fenyi)})
	b := ModelIDs([]*knowledge.Document{doc(knowledge.Meta{Title: "临湘市2024年…", Place: "临湘市", Year: 2024}), doc(fenyi)})
	if a[0] != b[1] {
		t.Errorf("the ID changed with another report loaded: %q, %q", a[0], b[1])
	}
}

func TestPublished(t *testing.T) {
	for in, want := range map[string]int64{"2025-06-25 15:27": 1750836420, "2025-02-18": 1739808000, "": 0, "去年": 0} {
		if got := published(knowledge.Meta{Published: in}); got != want {
			t.Errorf("%q: %d, want %d", in, got, want)
		}
	}
}
