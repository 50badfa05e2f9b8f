from icloud_fix.cli import main

main()
