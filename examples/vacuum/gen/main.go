// Command gen writes examples/vacuum/vacuum.csv: a storage-ring vacuum twin
// of 16 sectors (gauges, ion pumps, gate valves, thermocouples and a sector
// state device each, plus a ring summary), about 500 SimulatorDS devices in
// 9 servers on 4 hosts, in the tango2csv form with a host column.
//
// The formulas use the idioms of real DynamicDS configurations: ramps and
// sines of t, noise with gauss/random, VAR(..., WRITE=True) set points,
// PROPERTY() to share one formula text between devices, cross-device reads
// with ATTR('sector/...'), ordered DynamicStates, DynamicStatus lines and
// DynamicCommands (On/Off, Open/Close, Reset).
//
//	go run ./examples/vacuum/gen > examples/vacuum/vacuum.csv
package main

import (
	"encoding/csv"
	"fmt"
	"os"
)

const (
	sectors = 16
	gauges  = 8  // cold-cathode gauges per sector
	pumps   = 12 // ion pumps per sector
	valves  = 4  // gate valves per sector
	thermos = 6  // bakeout thermocouples per sector
	hosts   = 4
)

// Formula texts are shared by every device of a family (per-device numbers
// come from properties), so the twin compiles each text once.
var (
	gaugeAttrs = []string{
		"Leak = DevDouble(VAR('Leak', default=0.0, WRITE=True))",
		"Pressure = DevDouble(max(1e-11, float(PROPERTY('Base')) * (1 + 0.2*sin(2*pi*(t + int(PROPERTY('OFFSET')))/600.)) * (1 + 1000*Leak) + gauss(0, 2e-12)))",
		"Interlock = DevBoolean(Pressure > 5e-9)",
		"PressureLog = DevDouble(log10(Pressure))",
	}
	gaugeStates = []string{
		"FAULT = Pressure > 1e-7",
		"ALARM = Pressure > 1e-8",
		"ON = 1",
	}
	gaugeCmds = []string{"Reset = DevString(SET('Leak', 0.0) or 'leak cleared')"}

	pumpAttrs = []string{
		"HV = DevBoolean(VAR('HV', default=True, WRITE=True))",
		"Voltage = DevDouble(HV and 7000 + 20*sin(t/30.) + random() or 0.0)",
		"Current = DevDouble(HV and 1e-3 * ATTR(PROPERTY('Gauge') + '/Pressure') / 1e-9 * (1 + 0.02*random()) or 0.0)",
		"Pressure = DevDouble(HV and max(1e-11, Current * 1e-6) or 1e-5)",
	}
	pumpStates = []string{
		"OFF = not HV",
		"ALARM = Pressure > 1e-8",
		"ON = 1",
	}
	pumpCmds = []string{
		"On = DevBoolean(SET('HV', True))",
		"Off = DevBoolean(SET('HV', False))",
	}

	valveAttrs = []string{
		"Position = DevDouble(VAR('Pos0', default=1.0) + (VAR('Target', default=1.0) - VAR('Pos0', default=1.0)) * min(1.0, (t - VAR('T0', default=-1e9)) / 3.0))",
		"Interlock = DevBoolean(XATTR(PROPERTY('Sector') + '/MaxPressure', 0.0) > 1e-7)",
	}
	valveStates = []string{
		"FAULT = Interlock and Position > 0",
		"MOVING = 0 < Position < 1",
		"OPEN = Position >= 1",
		"CLOSE = Position <= 0",
	}
	valveStatus = []string{"'Valve is %s (%d%%)' % ('open' if Position >= 1 else 'closed' if Position <= 0 else 'moving', 100*Position)"}
	valveCmds   = []string{
		"Open = DevString([SET('Pos0', ATTR('Position')), SET('Target', 1.0), SET('T0', t)] and 'opening')",
		"Close = DevString([SET('Pos0', ATTR('Position')), SET('Target', 0.0), SET('T0', t)] and 'closing')",
	}

	tcAttrs = []string{
		"Bakeout = DevBoolean(VAR('Bakeout', default=False, WRITE=True))",
		"Temperature = DevDouble(24 + 1.5*sin(2*pi*t/3600.) + gauss(0, 0.05) + (Bakeout and min(150, t/60.) or 0))",
	}
	tcStates = []string{"ALARM = Temperature > 80", "MOVING = Bakeout", "ON = 1"}

	sectorAttrs = []string{
		"MaxPressure = DevDouble(max([ATTR('%s/ccg-%02d/Pressure' % (PROPERTY('Prefix'), i)) for i in range(1, 9)]))",
		"PumpsOn = DevLong(sum([1 for i in range(1, 13) if ATTR('%s/ip-%02d/HV' % (PROPERTY('Prefix'), i))]))",
		"ValvesOpen = DevLong(len([i for i in range(1, 5) if ATTR('%s/gv-%02d/Position' % (PROPERTY('Prefix'), i)) >= 1]))",
		"Pressures = DevVarDoubleArray([ATTR('%s/ccg-%02d/Pressure' % (PROPERTY('Prefix'), i)) for i in range(1, 9)])",
	}
	sectorStates = []string{
		"FAULT = MaxPressure > 1e-7",
		"ALARM = MaxPressure > 1e-8 or PumpsOn < 10",
		"MOVING = 0 < ValvesOpen < 4",
		"CLOSE = ValvesOpen == 0",
		"ON = 1",
	}
	sectorStatus = []string{
		"'Sector %s: max pressure %.2e mbar' % (PROPERTY('Prefix'), MaxPressure)",
		"'%d/12 pumps on, %d/4 valves open' % (PumpsOn, ValvesOpen)",
	}
	sectorCmds = []string{
		"CloseAll = DevString([COMM('%s/gv-%02d/Close' % (PROPERTY('Prefix'), i)) for i in range(1, 5)] and 'closing all valves')",
		"OpenAll = DevString([COMM('%s/gv-%02d/Open' % (PROPERTY('Prefix'), i)) for i in range(1, 5)] and 'opening all valves')",
	}

	ringAttrs = []string{
		"MaxPressure = DevDouble(max([XATTR('sr%02d/vc/sector/MaxPressure' % i, 0.0) for i in range(1, 17)]))",
		"SectorStates = DevVarLongArray([XATTR('sr%02d/vc/sector/State' % i, 13) for i in range(1, 17)])",
	}
	ringStates = []string{
		"FAULT = MaxPressure > 1e-7",
		"ALARM = MaxPressure > 1e-8",
		"ON = 1",
	}
)

type writer struct {
	w                   *csv.Writer
	host, server, class string
	name                string
	started             bool
}

// device starts a device: its first row carries host/server/class/device.
func (w *writer) device(host, server, name string) {
	w.host, w.server, w.name, w.started = host, server, name, false
}

// prop writes a (multi-valued) property: the first row names it, the
// following rows leave the columns to the left blank (csv2tango's fill).
func (w *writer) prop(name string, values ...string) {
	for i, v := range values {
		row := []string{"", "", "", "", "", v}
		if !w.started {
			row[0], row[1], row[2], row[3] = w.host, w.server, "SimulatorDS", w.name
			w.started = true
		}
		if i == 0 {
			row[4] = name
		}
		if err := w.w.Write(row); err != nil {
			panic(err)
		}
	}
}

func main() {
	out := csv.NewWriter(os.Stdout)
	out.Write([]string{"host", "server", "class", "device", "property", "value"})
	w := &writer{w: out}
	n := 0
	for s := 1; s <= sectors; s++ {
		host := fmt.Sprintf("vc-host-%d", (s-1)/(sectors/hosts)+1)
		group := fmt.Sprintf("sr%02d-%02d", ((s-1)/(sectors/hosts))*(sectors/hosts)+1, ((s-1)/(sectors/hosts)+1)*(sectors/hosts))
		gaugeSrv := "SimulatorDS/vc-gauges-" + group
		pumpSrv := "SimulatorDS/vc-pumps-" + group
		prefix := fmt.Sprintf("sr%02d/vc", s)
		for g := 1; g <= gauges; g++ {
			w.device(host, gaugeSrv, fmt.Sprintf("%s/ccg-%02d", prefix, g))
			w.prop("DynamicAttributes", gaugeAttrs...)
			w.prop("DynamicStates", gaugeStates...)
			w.prop("DynamicCommands", gaugeCmds...)
			w.prop("Base", fmt.Sprintf("%.1e", 1e-10*float64(1+(s*7+g*3)%9)))
			w.prop("OFFSET", fmt.Sprint((s*37+g*11)%600))
			w.prop("Pressure.unit", "mbar")
			w.prop("Pressure.format", "%.2e")
			w.prop("Pressure.max_warning", "1e-9")
			w.prop("Pressure.max_alarm", "1e-8")
			w.prop("Pressure.rel_change", "10")
			w.prop("Pressure.archive_rel_change", "20")
			w.prop("Pressure.archive_period", "60000")
			w.prop("Pressure.polling_period", "1000")
			w.prop("Leak.min_value", "0")
			w.prop("Leak.max_value", "1")
			n++
		}
		for p := 1; p <= pumps; p++ {
			w.device(host, pumpSrv, fmt.Sprintf("%s/ip-%02d", prefix, p))
			w.prop("DynamicAttributes", pumpAttrs...)
			w.prop("DynamicStates", pumpStates...)
			w.prop("DynamicCommands", pumpCmds...)
			w.prop("Gauge", fmt.Sprintf("%s/ccg-%02d", prefix, (p-1)*gauges/pumps+1))
			w.prop("Current.unit", "A")
			w.prop("Current.abs_change", "1e-7")
			w.prop("Current.polling_period", "3000")
			w.prop("Pressure.unit", "mbar")
			w.prop("Pressure.max_alarm", "1e-8")
			w.prop("Voltage.unit", "V")
			w.prop("Voltage.min_alarm", "6000")
			n++
		}
		for v := 1; v <= valves; v++ {
			w.device(host, pumpSrv, fmt.Sprintf("%s/gv-%02d", prefix, v))
			w.prop("DynamicAttributes", valveAttrs...)
			w.prop("DynamicStates", valveStates...)
			w.prop("DynamicStatus", valveStatus...)
			w.prop("DynamicCommands", valveCmds...)
			w.prop("Sector", prefix+"/sector")
			w.prop("Position.abs_change", "0.05")
			w.prop("Position.polling_period", "500")
			w.prop("polled_attr", "state", "1000")
			n++
		}
		for c := 1; c <= thermos; c++ {
			w.device(host, gaugeSrv, fmt.Sprintf("%s/tc-%02d", prefix, c))
			w.prop("DynamicAttributes", tcAttrs...)
			w.prop("DynamicStates", tcStates...)
			w.prop("Temperature.unit", "C")
			w.prop("Temperature.max_warning", "60")
			w.prop("Temperature.max_alarm", "80")
			w.prop("Temperature.abs_change", "0.5")
			w.prop("Temperature.archive_period", "60000")
			w.prop("Temperature.polling_period", "5000")
			n++
		}
		w.device(host, gaugeSrv, prefix+"/sector")
		w.prop("DynamicAttributes", sectorAttrs...)
		w.prop("DynamicStates", sectorStates...)
		w.prop("DynamicStatus", sectorStatus...)
		w.prop("DynamicCommands", sectorCmds...)
		w.prop("Prefix", prefix)
		w.prop("KeepTime", "500")
		w.prop("MaxPressure.unit", "mbar")
		w.prop("MaxPressure.max_alarm", "1e-8")
		w.prop("MaxPressure.abs_change", "1e-10")
		w.prop("MaxPressure.polling_period", "3000")
		w.prop("polled_attr", "state", "3000")
		n++
	}
	w.device("vc-host-1", "SimulatorDS/vc-ring", "sr/vc/all")
	w.prop("DynamicAttributes", ringAttrs...)
	w.prop("DynamicStates", ringStates...)
	w.prop("MaxPressure.unit", "mbar")
	w.prop("MaxPressure.polling_period", "3000")
	w.prop("MaxPressure.abs_change", "1e-10")
	n++
	out.Flush()
	if err := out.Error(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "%d devices\n", n)
}
