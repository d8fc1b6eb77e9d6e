from jobhunter.cli import main

main()
