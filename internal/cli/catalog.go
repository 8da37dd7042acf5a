package cli

import "github.com/spf13/cobra"

func newCatalogCmd(s Streams) *cobra.Command {
	return &cobra.Command{Use: "catalog", Short: "Check and convert control-system catalogs (tango2csv CSV, YAML)"}
}
