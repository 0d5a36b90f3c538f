from generator.cli import main
from generator.runtime import exit_leaving_objects

exit_leaving_objects(main())
