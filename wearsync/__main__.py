from wearsync.cli import main

raise SystemExit(main())
