package cli

import (
	"strconv"

	"github.com/spf13/cobra"
)

// clockAnswer is the control plane's reading of the clock.
type clockAnswer struct {
	Now    float64 `json:"Now"`
	Frozen bool    `json:"Frozen"`
}

func (a *app) clockCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "clock [show|set TIME|advance DURATION|reset]",
		Short: "Show or move connectd's clock (alone: show)",
		Long: `Show or move the clock that drives every timestamp connectd writes, its
24-month retention and its 2018 cut-off. Alone, "clock" shows it.`,
		Example: "  connectd admin clock\n  connectd admin clock set 2028-01-01T09:00:00Z\n  connectd admin clock advance 2y",
		Args:    cobra.NoArgs,
		RunE:    runE(func(cmd *cobra.Command, args []string) error { return a.clockShow() }),
	}
	c.AddCommand(
		&cobra.Command{
			Use:     "show",
			Short:   "Print the clock's reading",
			Example: "  connectd admin clock show -o json",
			Args:    cobra.NoArgs,
			RunE:    runE(func(cmd *cobra.Command, args []string) error { return a.clockShow() }),
		},
		a.clockSetCommand(),
		a.clockAdvanceCommand(),
		&cobra.Command{
			Use:     "reset",
			Short:   "Put the clock back on the system time",
			Example: "  connectd admin clock reset",
			Args:    cobra.NoArgs,
			RunE: runE(func(cmd *cobra.Command, args []string) error {
				return a.clockMove("DELETE", "/_connectd/clock", nil)
			}),
		},
	)
	return c
}

func (a *app) clockSetCommand() *cobra.Command {
	var freeze bool
	c := &cobra.Command{
		Use:   "set TIME",
		Short: "Set the clock to TIME; it keeps running from there (or stands still with --freeze)",
		Long: `Set the clock to TIME, which is RFC 3339 (2028-01-01T09:00:00Z), a date
(2028-01-01, midnight UTC) or epoch seconds (1830330000). It keeps running from
there; with --freeze it stands still at TIME until it is moved again ("advance"
keeps it frozen, "reset" puts it back on the system time), so that timestamps
and retention answers repeat exactly. Moving the clock back never brings an
expired contact back: connectd deletes what has expired first.`,
		Example: "  connectd admin clock set 2028-01-01T09:00:00Z\n  connectd admin clock set --freeze 2026-11-23T10:00:00Z\n  connectd admin clock set 1830330000",
		Args:    cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			t, err := parseInstant(args[0])
			if err != nil {
				return err
			}
			return a.clockMove("PUT", "/_connectd/clock", map[string]any{"Now": epochSeconds(t), "Frozen": freeze})
		}),
	}
	c.Flags().BoolVar(&freeze, "freeze", false, "stand the clock still at TIME")
	return c
}

func (a *app) clockAdvanceCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "advance DURATION",
		Short: "Move the clock forward (or, with -, back) by DURATION",
		Long: `Move the clock by DURATION: Go's units (h, m, s, ms, us, ns) plus d, a day
of 24 hours, and y, a calendar year (the same date and time y years later, so
2y from 2026-11-23 is 731 days, across a leap day). Units combine (1y30d), and
a leading "-" moves the clock back ("--" ends the flags first).`,
		Example: "  connectd admin clock advance 2y\n  connectd admin clock advance 36h\n  connectd admin clock advance -- -1d",
		Args:    cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			sp, err := parseSpan(args[0])
			if err != nil {
				return err
			}
			seconds := sp.fixed.Seconds()
			if sp.years != 0 {
				// A calendar year's length depends on where it starts.
				var now clockAnswer
				if err := a.controlJSON("GET", "/_connectd/clock", nil, &now); err != nil {
					return err
				}
				from := epochTime(now.Now)
				seconds = sp.from(from).Sub(from).Seconds()
			}
			return a.clockMove("POST", "/_connectd/clock/advance", map[string]float64{"Seconds": seconds})
		}),
	}
}

func (a *app) clockShow() error { return a.clockMove("GET", "/_connectd/clock", nil) }

// clockMove sends a clock request and prints the clock's reading after it.
func (a *app) clockMove(method, path string, in any) error {
	var out clockAnswer
	if err := a.controlJSON(method, path, in, &out); err != nil {
		return err
	}
	return a.show(&out, func() error {
		t := epochTime(out.Now)
		return writePairs(a.stdout, [2]string{"CLOCK", "VALUE"}, map[string]string{
			"Now":    formatTime(t),
			"Epoch":  strconv.FormatFloat(out.Now, 'f', -1, 64),
			"Frozen": strconv.FormatBool(out.Frozen),
		})
	})
}
