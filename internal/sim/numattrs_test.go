package sim

import (
	"testing"
	"time"

	"chaoslab/internal/catalog"
	"chaoslab/internal/formula/pyval"
)

// twoAttrKind plugs devices with two attributes of their own (a DynamicDS
// device without attributes would have State and Status: three tells them
// apart).
type twoAttrKind struct{}

func (twoAttrKind) NewDevice(*catalog.Device, Host) (Behavior, Problems) { return twoAttrs{}, nil }

type twoAttrs struct{}

func (twoAttrs) Attributes() []AttrInfo {
	return []AttrInfo{{Name: "A", Type: DevDouble}, {Name: "B", Type: DevDouble}, {Name: "State", Type: DevStateType}}
}
func (twoAttrs) Commands() []CmdInfo                        { return nil }
func (twoAttrs) Read(time.Time, string) Reading             { return Reading{} }
func (twoAttrs) Write(time.Time, string, pyval.Value) error { return nil }
func (twoAttrs) Command(time.Time, string, pyval.Value) (pyval.Value, error) {
	return pyval.Value{}, nil
}
func (twoAttrs) State(time.Time) (State, string)          { return On, "" }
func (twoAttrs) Advance(time.Time, func(Event)) time.Time { return time.Time{} }

// NumAttributes must count what Attributes describes, device by device,
// without building the descriptions.
func TestNumAttributes(t *testing.T) {
	plugged := dev("test/plug/1", nil)
	plugged.Servers[0].Devices[0].Class = "Plugged"
	tests := []struct {
		name string
		cat  *catalog.Catalog
		opts Options
		want int
	}{
		{"dynamic attributes", dev("test/sim/1", map[string][]string{"DynamicAttributes": {"A=1", "B=2.5", "C=READ and 'x'"}}), Options{}, 5},
		{"no attributes", dev("test/sim/1", nil), Options{}, 2},
		{"plugged kind", plugged, Options{Kinds: map[string]Kind{"Plugged": twoAttrKind{}}}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, tt.cat, tt.opts)
			want := 0
			for _, d := range w.Devices() {
				as, err := w.Attributes(d.Name)
				if err != nil {
					t.Fatal(err)
				}
				want += len(as)
			}
			if want != tt.want {
				t.Fatalf("Attributes describe %d attributes, want %d: the test catalog is wrong", want, tt.want)
			}
			if got := w.NumAttributes(); got != want {
				t.Errorf("NumAttributes = %d, want %d (the sum of len(Attributes))", got, want)
			}
		})
	}
}
