package cli

import "github.com/spf13/cobra"

func newFormulaCmd(s Streams) *cobra.Command {
	return &cobra.Command{Use: "formula", Short: "Evaluate and check formulas (the DynamicDS / PyAlarm expression language)"}
}
