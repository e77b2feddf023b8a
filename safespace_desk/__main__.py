from safespace_desk.cli import main

raise SystemExit(main())
